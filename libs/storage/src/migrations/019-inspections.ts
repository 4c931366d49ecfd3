import type { Migration } from '../migration';

/**
 * Inspections and what they found (隐患): each finding a hazard with its severity, responsible contact and
 * rectification deadline, its history of transitions, and the evidence (photos, PDFs) kept in the database so a
 * write and its files commit together in every deployment. Tokens gain the roles inspector and enterprise, the
 * latter bound to one enterprise. Campaigns come later: campaign_id is kept now so inspections can join them.
 */
export const inspectionsMigration: Migration = {
  id: 19,
  name: 'inspections',
  async up(sql) {
    await sql.query(`ALTER TABLE api_tokens DROP CONSTRAINT IF EXISTS api_tokens_role_check`);
    await sql.query(`ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_role_check
      CHECK (role IN ('operator', 'substation', 'viewer', 'inspector', 'enterprise'))`);
    await sql.query(`ALTER TABLE api_tokens ADD COLUMN IF NOT EXISTS enterprise_id text NULL REFERENCES enterprises (id)`);
    await sql.query(`ALTER TABLE api_tokens DROP CONSTRAINT IF EXISTS api_tokens_enterprise_scope_check`);
    await sql.query(`ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_enterprise_scope_check
      CHECK ((role = 'enterprise') = (enterprise_id IS NOT NULL))`);
    await sql.query(`CREATE TABLE IF NOT EXISTS inspections (
      id text PRIMARY KEY,
      enterprise_id text NOT NULL REFERENCES enterprises (id),
      at timestamptz NOT NULL,
      inspector_name text NOT NULL,
      inspector_token_id text NOT NULL,
      note text NOT NULL DEFAULT '',
      campaign_id text NULL,
      recorded_at timestamptz NOT NULL
    )`);
    await sql.query(`CREATE INDEX IF NOT EXISTS inspections_enterprise_idx ON inspections (enterprise_id, at DESC)`);
    await sql.query(`CREATE INDEX IF NOT EXISTS inspections_campaign_idx ON inspections (campaign_id) WHERE campaign_id IS NOT NULL`);
    await sql.query(`CREATE TABLE IF NOT EXISTS hazards (
      id text PRIMARY KEY,
      inspection_id text NOT NULL REFERENCES inspections (id),
      enterprise_id text NOT NULL REFERENCES enterprises (id),
      kind text NOT NULL,
      severity text NOT NULL CHECK (severity IN ('red', 'orange', 'yellow', 'blue')),
      note text NOT NULL DEFAULT '',
      status text NOT NULL CHECK (status IN ('open', 'rectified', 'verified', 'reopened')),
      deadline timestamptz NOT NULL,
      responsible_contact_id text NULL REFERENCES contacts (id),
      opened_at timestamptz NOT NULL,
      rectified_at timestamptz NULL,
      rectified_by text NULL,
      rectified_note text NULL,
      verified_at timestamptz NULL,
      verified_by text NULL,
      reopen_count int NOT NULL DEFAULT 0,
      overdue_notified_at timestamptz NULL
    )`);
    await sql.query(`CREATE INDEX IF NOT EXISTS hazards_enterprise_idx ON hazards (enterprise_id, status)`);
    await sql.query(`CREATE INDEX IF NOT EXISTS hazards_inspection_idx ON hazards (inspection_id)`);
    // The overdue job's scan: hazards still to be rectified, by deadline.
    await sql.query(`CREATE INDEX IF NOT EXISTS hazards_due_idx ON hazards (deadline) WHERE status IN ('open', 'reopened')`);
    await sql.query(`CREATE TABLE IF NOT EXISTS hazard_events (
      hazard_id text NOT NULL REFERENCES hazards (id),
      seq int NOT NULL,
      at timestamptz NOT NULL,
      action text NOT NULL,
      status text NOT NULL,
      deadline timestamptz NOT NULL,
      actor_name text NOT NULL,
      actor_token_id text NOT NULL,
      actor_role text NOT NULL,
      note text NULL,
      PRIMARY KEY (hazard_id, seq)
    )`);
    await sql.query(`CREATE TABLE IF NOT EXISTS hazard_evidence (
      id text PRIMARY KEY,
      hazard_id text NOT NULL REFERENCES hazards (id),
      name text NOT NULL,
      content_type text NOT NULL,
      size_bytes int NOT NULL,
      sha256 text NOT NULL,
      data bytea NOT NULL,
      added_at timestamptz NOT NULL,
      added_by text NOT NULL,
      stage text NOT NULL CHECK (stage IN ('finding', 'rectification', 'reinspection', 'other'))
    )`);
    await sql.query(`CREATE INDEX IF NOT EXISTS hazard_evidence_hazard_idx ON hazard_evidence (hazard_id, added_at)`);
  },
};
