import type { Migration } from '../migration';

/** How many re-notifications an escalated, still unmet milestone has had. */
export const renotificationsMigration: Migration = {
  id: 4,
  name: 'renotifications',
  async up(sql) {
    await sql.query(`ALTER TABLE incident_milestones ADD COLUMN IF NOT EXISTS renotifications int NOT NULL DEFAULT 0`);
  },
};
