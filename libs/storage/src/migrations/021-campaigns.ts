import type { Migration } from '../migration';

/**
 * Inspection campaigns (专项检查): a named round of inspections of a set of enterprises until a date. The set is
 * fixed when the campaign is created (a substation's area is expanded then), so its progress keeps meaning the
 * same enterprises whatever the register does later. An inspection joins a campaign by its campaign_id.
 */
export const campaignsMigration: Migration = {
  id: 21,
  name: 'campaigns',
  async up(sql) {
    await sql.query(`CREATE TABLE IF NOT EXISTS campaigns (
      id text PRIMARY KEY,
      name text NOT NULL,
      until timestamptz NOT NULL,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL
    )`);
    await sql.query(`CREATE TABLE IF NOT EXISTS campaign_enterprises (
      campaign_id text NOT NULL REFERENCES campaigns (id),
      enterprise_id text NOT NULL REFERENCES enterprises (id),
      PRIMARY KEY (campaign_id, enterprise_id)
    )`);
    await sql.query(`ALTER TABLE inspections DROP CONSTRAINT IF EXISTS inspections_campaign_fk`);
    await sql.query(`ALTER TABLE inspections ADD CONSTRAINT inspections_campaign_fk FOREIGN KEY (campaign_id) REFERENCES campaigns (id)`);
  },
};
