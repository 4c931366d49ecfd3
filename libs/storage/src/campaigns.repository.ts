import { randomUUID } from 'node:crypto';
import type { SqlClient } from './sql-client';
import { toDate, type Instant } from './sql-values';

/** Who the campaign covers: enterprises named one by one, or every active enterprise of a substation's area now. */
export type CampaignScope = { enterpriseIds: readonly string[] } | { substationId: string };

export interface NewCampaign {
  name: string;
  until: Instant;
  createdBy: string;
  createdAt: Instant;
  scope: CampaignScope;
}

export interface CampaignRecord {
  id: string;
  name: string;
  until: Date;
  createdBy: string;
  createdAt: Date;
  enterpriseIds: string[];
}

/** The figures of a campaign, of one of its enterprises or of all of them. */
export interface CampaignFigures {
  /** Enterprises inspected within the campaign (an inspection naming it). */
  inspected: number;
  /** Hazards its inspections found. */
  findings: number;
  /** Of those, rectified by the enterprise (awaiting re-inspection or verified). */
  rectified: number;
  verified: number;
  /** Still to be rectified past their deadline at the time asked. */
  overdue: number;
}

export interface CampaignProgress extends CampaignRecord {
  total: CampaignFigures & { enterprises: number };
  enterprises: (CampaignFigures & { enterpriseId: string; name: string })[];
}

export type CreateCampaignResult =
  | { created: CampaignRecord }
  | { refused: 'unknown-enterprises'; enterpriseIds: string[] }
  | { refused: 'unknown-substation' }
  | { refused: 'no-enterprises' };

export type CampaignMembership = 'member' | 'not-member' | 'unknown-campaign';

interface CampaignSqlRow {
  id: string;
  name: string;
  until: Date;
  created_by: string;
  created_at: Date;
  enterprise_ids: string[] | null;
}

interface ProgressSqlRow {
  enterprise_id: string;
  name: string;
  inspected: boolean;
  findings: number;
  rectified: number;
  verified: number;
  overdue: number;
}

const CAMPAIGN_SELECT = `SELECT c.id, c.name, c.until, c.created_by, c.created_at,
  (SELECT array_agg(ce.enterprise_id ORDER BY ce.enterprise_id) FROM campaign_enterprises ce WHERE ce.campaign_id = c.id) AS enterprise_ids
  FROM campaigns c`;

function campaignRecord(r: CampaignSqlRow): CampaignRecord {
  return {
    id: r.id,
    name: r.name,
    until: r.until,
    createdBy: r.created_by,
    createdAt: r.created_at,
    enterpriseIds: r.enterprise_ids ?? [],
  };
}

/** Campaigns and their enterprises: written once, never changed, so a membership read before a write stays true. */
export class CampaignsRepository {
  constructor(private readonly sql: SqlClient) {}

  async create(campaign: NewCampaign): Promise<CreateCampaignResult> {
    return this.sql.transaction(async (tx) => {
      let enterpriseIds: string[];
      if ('substationId' in campaign.scope) {
        if ((await tx.query('SELECT 1 FROM substations WHERE id = $1', [campaign.scope.substationId])).length === 0)
          return { refused: 'unknown-substation' };
        const rows = await tx.query<{ id: string }>(
          `SELECT id FROM enterprises WHERE substation_id = $1 AND status = 'active' ORDER BY id`,
          [campaign.scope.substationId],
        );
        enterpriseIds = rows.map((r) => r.id);
      } else {
        enterpriseIds = [...new Set(campaign.scope.enterpriseIds)].sort();
        const known = await tx.query<{ id: string }>('SELECT id FROM enterprises WHERE id = ANY($1::text[])', [enterpriseIds]);
        const unknown = enterpriseIds.filter((id) => !known.some((k) => k.id === id));
        if (unknown.length > 0) return { refused: 'unknown-enterprises', enterpriseIds: unknown };
      }
      if (enterpriseIds.length === 0) return { refused: 'no-enterprises' };
      const id = randomUUID();
      await tx.query(`INSERT INTO campaigns (id, name, until, created_by, created_at) VALUES ($1, $2, $3, $4, $5)`, [
        id,
        campaign.name,
        toDate(campaign.until),
        campaign.createdBy,
        toDate(campaign.createdAt),
      ]);
      await tx.query(`INSERT INTO campaign_enterprises (campaign_id, enterprise_id) SELECT $1, unnest($2::text[])`, [id, enterpriseIds]);
      const rows = await tx.query<CampaignSqlRow>(`${CAMPAIGN_SELECT} WHERE c.id = $1`, [id]);
      return { created: campaignRecord(rows[0]) };
    });
  }

  async membership(campaignId: string, enterpriseId: string): Promise<CampaignMembership> {
    const rows = await this.sql.query<{ member: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM campaign_enterprises WHERE campaign_id = $1 AND enterprise_id = $2) AS member
       FROM campaigns WHERE id = $1`,
      [campaignId, enterpriseId],
    );
    if (rows.length === 0) return 'unknown-campaign';
    return rows[0].member ? 'member' : 'not-member';
  }

  /** Newest first. */
  async list(limit: number, offset: number): Promise<CampaignRecord[]> {
    const rows = await this.sql.query<CampaignSqlRow>(`${CAMPAIGN_SELECT} ORDER BY c.created_at DESC, c.id LIMIT $1 OFFSET $2`, [
      limit,
      offset,
    ]);
    return rows.map(campaignRecord);
  }

  /** The campaign with its figures at `now`, per enterprise (by id) and in total; null when there is no such campaign. */
  async progress(id: string, now: Instant): Promise<CampaignProgress | null> {
    const campaigns = await this.sql.query<CampaignSqlRow>(`${CAMPAIGN_SELECT} WHERE c.id = $1`, [id]);
    if (campaigns.length === 0) return null;
    const rows = await this.sql.query<ProgressSqlRow>(
      `SELECT ce.enterprise_id, e.name,
         EXISTS (SELECT 1 FROM inspections i WHERE i.campaign_id = ce.campaign_id AND i.enterprise_id = ce.enterprise_id) AS inspected,
         count(h.id)::int AS findings,
         count(h.id) FILTER (WHERE h.status IN ('rectified', 'verified'))::int AS rectified,
         count(h.id) FILTER (WHERE h.status = 'verified')::int AS verified,
         count(h.id) FILTER (WHERE h.status IN ('open', 'reopened') AND h.deadline < $2)::int AS overdue
       FROM campaign_enterprises ce
       JOIN enterprises e ON e.id = ce.enterprise_id
       LEFT JOIN inspections i ON i.campaign_id = ce.campaign_id AND i.enterprise_id = ce.enterprise_id
       LEFT JOIN hazards h ON h.inspection_id = i.id
       WHERE ce.campaign_id = $1
       GROUP BY ce.campaign_id, ce.enterprise_id, e.name
       ORDER BY ce.enterprise_id`,
      [id, toDate(now)],
    );
    const enterprises = rows.map((r) => ({
      enterpriseId: r.enterprise_id,
      name: r.name,
      inspected: r.inspected ? 1 : 0,
      findings: r.findings,
      rectified: r.rectified,
      verified: r.verified,
      overdue: r.overdue,
    }));
    const sum = (pick: (e: CampaignFigures) => number) => enterprises.reduce((n, e) => n + pick(e), 0);
    return {
      ...campaignRecord(campaigns[0]),
      total: {
        enterprises: enterprises.length,
        inspected: sum((e) => e.inspected),
        findings: sum((e) => e.findings),
        rectified: sum((e) => e.rectified),
        verified: sum((e) => e.verified),
        overdue: sum((e) => e.overdue),
      },
      enterprises,
    };
  }
}
