import type { SqlClient } from './sql-client';

export const FALSE_ALARM_GROUPINGS = ['enterprise', 'device', 'deviceType', 'substation'] as const;
export type FalseAlarmGrouping = (typeof FALSE_ALARM_GROUPINGS)[number];

export interface FalseAlarmFigures {
  /** Incidents resolved in the period, tests and incidents resolved before outcomes were recorded included. */
  resolved: number;
  /** Of those, resolved as a test: no part of the rate. */
  tests: number;
  falseAlarms: number;
  /** falseAlarms over the resolved incidents with an outcome other than test; null when there are none. */
  falseAlarmRate: number | null;
  /** False alarms by cause, each cause that occurred. */
  causes: Record<string, number>;
}

export interface FalseAlarmGroup extends FalseAlarmFigures {
  /** The enterprise, device, device type or substation; null for incidents no alarm opened (grouped by device or type). */
  key: string | null;
}

export interface FalseAlarmReport {
  from: string;
  to: string;
  groupBy: FalseAlarmGrouping;
  zone: FalseAlarmFigures;
  /** Most false alarms first, then the higher rate, then by key (null last). */
  groups: FalseAlarmGroup[];
}

/** What each grouping groups by: the device of an incident is the device of the alarm that opened it. */
const GROUP_KEY: Record<FalseAlarmGrouping, string> = {
  enterprise: 'i.enterprise_id',
  substation: 'i.substation_id',
  device: 'a.device_id',
  deviceType: 'd.type',
};

interface CountRow {
  key: string | null;
  total: boolean;
  resolved: number;
  tests: number;
  judged: number;
  false_alarms: number;
}

interface CauseRow {
  key: string | null;
  total: boolean;
  cause: string;
  n: number;
}

/**
 * The false-alarm report over the incidents resolved in [from, to): per group and for the zone, how many were
 * resolved, how many of them were false alarms, the rate, and the causes. Two statements over the same rows.
 */
export class FalseAlarmReportRepository {
  constructor(private readonly sql: SqlClient) {}

  async report(from: Date, to: Date, groupBy: FalseAlarmGrouping): Promise<FalseAlarmReport> {
    // opened_by_alarm_id is the key of what opened the incident: alarm:<alarm id>:<grade>, or grade:... for a regrading.
    const rows = `SELECT ${GROUP_KEY[groupBy]} AS key, i.outcome, i.outcome_cause
       FROM incidents i
       LEFT JOIN alarms a ON a.id = substring(i.opened_by_alarm_id from '^alarm:(.*):[^:]+$')
       LEFT JOIN devices d ON d.id = a.device_id
       WHERE i.resolved_at >= $1 AND i.resolved_at < $2`;
    const counts = await this.sql.query<CountRow>(
      `SELECT key, grouping(key) = 1 AS total, count(*)::int AS resolved,
              count(*) FILTER (WHERE outcome = 'test')::int AS tests,
              count(*) FILTER (WHERE outcome IS NOT NULL AND outcome <> 'test')::int AS judged,
              count(*) FILTER (WHERE outcome = 'false-alarm')::int AS false_alarms
       FROM (${rows}) r GROUP BY GROUPING SETS ((key), ())`,
      [from, to],
    );
    const causes = await this.sql.query<CauseRow>(
      `SELECT key, grouping(key) = 1 AS total, outcome_cause AS cause, count(*)::int AS n
       FROM (${rows}) r WHERE outcome = 'false-alarm' AND outcome_cause IS NOT NULL
       GROUP BY GROUPING SETS ((key, outcome_cause), (outcome_cause))`,
      [from, to],
    );
    const figures = (c: CountRow | undefined, total: boolean, key: string | null): FalseAlarmFigures => {
      const byCause: Record<string, number> = {};
      for (const r of causes
        .filter((r) => Boolean(r.total) === total && (total || r.key === key))
        .sort((a, b) => b.n - a.n || a.cause.localeCompare(b.cause)))
        byCause[r.cause] = Number(r.n);
      const judged = Number(c?.judged ?? 0);
      const falseAlarms = Number(c?.false_alarms ?? 0);
      return {
        resolved: Number(c?.resolved ?? 0),
        tests: Number(c?.tests ?? 0),
        falseAlarms,
        falseAlarmRate: judged > 0 ? Math.round((falseAlarms / judged) * 1000) / 1000 : null,
        causes: byCause,
      };
    };
    const groups = counts
      .filter((c) => !c.total)
      .map((c): FalseAlarmGroup => ({ key: c.key, ...figures(c, false, c.key) }))
      .sort(
        (a, b) =>
          b.falseAlarms - a.falseAlarms ||
          (b.falseAlarmRate ?? -1) - (a.falseAlarmRate ?? -1) ||
          (a.key === null ? 1 : b.key === null ? -1 : a.key.localeCompare(b.key)),
      );
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      groupBy,
      zone: figures(
        counts.find((c) => c.total),
        true,
        null,
      ),
      groups,
    };
  }
}
