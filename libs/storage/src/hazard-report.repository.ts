import type { SqlClient } from './sql-client';
import { toDate, type Instant } from './sql-values';

export const HAZARD_REPORT_GROUPINGS = ['substation', 'enterprise', 'kind'] as const;
export type HazardReportGrouping = (typeof HAZARD_REPORT_GROUPINGS)[number];

export interface HazardFigures {
  /** Hazards opened (found by an inspection) in the period. */
  opened: number;
  /** Rectifications recorded in the period: a hazard rectified again after a failed re-inspection counts again. */
  rectified: number;
  /** Re-inspections in the period that passed (verified the hazard). */
  verified: number;
  /** Of the hazards opened in the period, the share that went past a deadline unrectified at least once; null when none opened. */
  overdueShare: number | null;
  /** Of the hazards opened in the period and rectified since, the median days from opening to the first rectification. */
  medianDaysToRectify: number | null;
  /** Passed re-inspections over all re-inspections in the period; null when there were none. */
  reinspectionPassRate: number | null;
}

export interface HazardReportGroup extends HazardFigures {
  key: string | null;
}

export interface HazardReport {
  from: string;
  to: string;
  groupBy: HazardReportGrouping;
  zone: HazardFigures;
  /** Most opened first, then by key. */
  groups: HazardReportGroup[];
}

/** A hazard's substation is the one whose area holds its enterprise now. */
const GROUP_KEY: Record<HazardReportGrouping, string> = {
  substation: 'e.substation_id',
  enterprise: 'h.enterprise_id',
  kind: 'h.kind',
};

interface FigureRow {
  key: string | null;
  total: boolean;
  opened: number;
  rectified: number;
  verified: number;
  failed: number;
  went_overdue: number;
  median_days: number | null;
}

const share = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1000) / 1000 : null);

/**
 * The hazard report over [from, to), from the hazards' histories as they stood at `now`: each stretch a hazard spent awaiting rectification
 * (from its opening or a reopening, whose history entry holds that stretch's deadline) went overdue when the next
 * rectification came after the deadline, or none came and the deadline passed before `now`.
 */
export class HazardReportRepository {
  constructor(private readonly sql: SqlClient) {}

  async report(from: Instant, to: Instant, groupBy: HazardReportGrouping, now: Instant): Promise<HazardReport> {
    const rows = await this.sql.query<FigureRow>(
      `WITH facts AS (
         SELECT ${GROUP_KEY[groupBy]} AS key,
           (h.opened_at >= $1) AS opened,
           (SELECT count(*) FROM hazard_events x WHERE x.hazard_id = h.id AND x.action = 'rectified' AND x.at >= $1 AND x.at < $2) AS rectified,
           (SELECT count(*) FROM hazard_events x WHERE x.hazard_id = h.id AND x.action = 'verified' AND x.at >= $1 AND x.at < $2) AS verified,
           (SELECT count(*) FROM hazard_events x WHERE x.hazard_id = h.id AND x.action = 'reopened' AND x.at >= $1 AND x.at < $2) AS failed,
           EXISTS (
             SELECT 1 FROM hazard_events s WHERE s.hazard_id = h.id AND s.action IN ('opened', 'reopened') AND s.at <= $3
               AND COALESCE(
                 (SELECT min(r.at) FROM hazard_events r
                  WHERE r.hazard_id = s.hazard_id AND r.action = 'rectified' AND r.seq > s.seq AND r.at <= $3),
                 $3) > s.deadline
           ) AS went_overdue,
           CAST(EXTRACT(EPOCH FROM (
             (SELECT min(r.at) FROM hazard_events r WHERE r.hazard_id = h.id AND r.action = 'rectified' AND r.at <= $3) - h.opened_at
           )) AS double precision) / 86400 AS days_to_rectify
         FROM hazards h JOIN enterprises e ON e.id = h.enterprise_id
         WHERE h.opened_at < $2
           AND (h.opened_at >= $1 OR EXISTS (SELECT 1 FROM hazard_events x WHERE x.hazard_id = h.id AND x.at >= $1 AND x.at < $2))
       )
       SELECT key, grouping(key) = 1 AS total,
         count(*) FILTER (WHERE opened)::int AS opened,
         COALESCE(sum(rectified), 0)::int AS rectified,
         COALESCE(sum(verified), 0)::int AS verified,
         COALESCE(sum(failed), 0)::int AS failed,
         count(*) FILTER (WHERE opened AND went_overdue)::int AS went_overdue,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY CASE WHEN opened THEN days_to_rectify END) AS median_days
       FROM facts GROUP BY GROUPING SETS ((key), ())`,
      [toDate(from), toDate(to), toDate(now)],
    );
    const figures = (r: FigureRow | undefined): HazardFigures => {
      const opened = Number(r?.opened ?? 0);
      const verified = Number(r?.verified ?? 0);
      const median = r?.median_days ?? null;
      return {
        opened,
        rectified: Number(r?.rectified ?? 0),
        verified,
        overdueShare: share(Number(r?.went_overdue ?? 0), opened),
        medianDaysToRectify: median === null ? null : Math.round(Number(median) * 1000) / 1000,
        reinspectionPassRate: share(verified, verified + Number(r?.failed ?? 0)),
      };
    };
    const groups = rows
      .filter((r) => !r.total)
      .map((r): HazardReportGroup => ({ key: r.key, ...figures(r) }))
      .sort((a, b) => b.opened - a.opened || (a.key === null ? 1 : b.key === null ? -1 : a.key.localeCompare(b.key)));
    return {
      from: toDate(from).toISOString(),
      to: toDate(to).toISOString(),
      groupBy,
      zone: figures(rows.find((r) => r.total)),
      groups,
    };
  }
}
