import { MILESTONE_NAMES, MilestoneName } from '@app/contracts';
import type { SqlClient } from './sql-client';

export interface MilestoneCompliance {
  /** Milestones that are decided: reached, or overdue without being reached. */
  judged: number;
  met: number;
  /** met / judged; null when nothing is decided yet. */
  share: number | null;
  /** NFPA 1710 style: the target is met when at least 90 % of incidents meet it. */
  meets90: boolean | null;
  /** Seconds from dispatch to the milestone, over the incidents that reached it. */
  p50S: number | null;
  p90S: number | null;
  reached: number;
}

export interface ComplianceFigures {
  incidents: number;
  escalations: number;
  milestones: Record<MilestoneName, MilestoneCompliance>;
}

export interface ComplianceReport {
  from: string;
  to: string;
  asOf: string;
  zone: ComplianceFigures;
  substations: Array<ComplianceFigures & { substationId: string }>;
}

interface MilestoneRow {
  substation_id: string | null;
  name: MilestoneName;
  judged: number;
  met: number;
  reached: number;
  p50: number | null;
  p90: number | null;
}

const round = (x: number | null) => (x === null ? null : Math.round(Number(x) * 10) / 10);

/**
 * The 1-3-5 compliance report: per substation and for the zone, the share of
 * incidents meeting each milestone and the 50th/90th percentile times, in one
 * pass of SQL over the incidents dispatched in [from, to).
 */
export class ComplianceReportRepository {
  constructor(private readonly sql: SqlClient) {}

  async report(from: Date, to: Date, asOf: Date, substationId?: string): Promise<ComplianceReport> {
    const params: unknown[] = [from, to, asOf];
    const bySubstation = substationId ? `AND i.substation_id = $${params.push(substationId)}` : '';
    const milestones = await this.sql.query<MilestoneRow>(
      `WITH m AS (
         SELECT i.substation_id, m.name,
                EXTRACT(EPOCH FROM (m.at - i.dispatched_at))::float8 AS secs,
                CASE WHEN m.at IS NOT NULL AND m.at <= m.due_at THEN 1
                     WHEN m.at IS NOT NULL OR m.due_at <= $3 THEN 0 END AS met
         FROM incidents i JOIN incident_milestones m ON m.incident_id = i.id
         WHERE i.dispatched_at >= $1 AND i.dispatched_at < $2 ${bySubstation}
       )
       SELECT substation_id, name,
              count(met)::int AS judged, coalesce(sum(met), 0)::int AS met, count(secs)::int AS reached,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY secs) AS p50,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY secs) AS p90
       FROM m GROUP BY GROUPING SETS ((substation_id, name), (name))`,
      params,
    );
    const counts = await this.sql.query<{ substation_id: string | null; incidents: number; escalations: number }>(
      `SELECT i.substation_id, count(DISTINCT i.id)::int AS incidents, count(e.incident_id)::int AS escalations
       FROM incidents i LEFT JOIN incident_escalations e ON e.incident_id = i.id
       WHERE i.dispatched_at >= $1 AND i.dispatched_at < $2 ${substationId ? 'AND i.substation_id = $3' : ''}
       GROUP BY GROUPING SETS ((i.substation_id), ())`,
      substationId ? [from, to, substationId] : [from, to],
    );
    const figures = (key: string | null): ComplianceFigures => {
      const c = counts.find((r) => r.substation_id === key);
      const out = {
        incidents: c?.incidents ?? 0,
        escalations: c?.escalations ?? 0,
        milestones: {} as Record<MilestoneName, MilestoneCompliance>,
      };
      for (const name of MILESTONE_NAMES) {
        const r = milestones.find((row) => row.substation_id === key && row.name === name);
        const judged = r?.judged ?? 0;
        const share = judged > 0 ? r!.met / judged : null;
        out.milestones[name] = {
          judged,
          met: r?.met ?? 0,
          share: share === null ? null : Math.round(share * 1000) / 1000,
          meets90: share === null ? null : share >= 0.9,
          p50S: round(r?.p50 ?? null),
          p90S: round(r?.p90 ?? null),
          reached: r?.reached ?? 0,
        };
      }
      return out;
    };
    const stationIds = [...new Set(counts.map((r) => r.substation_id).filter((id): id is string => id !== null))].sort();
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      asOf: asOf.toISOString(),
      zone: figures(null),
      substations: stationIds.map((id) => ({ substationId: id, ...figures(id) })),
    };
  }
}
