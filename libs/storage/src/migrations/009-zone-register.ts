import type { Migration } from '../migration';

/**
 * The zone's own register: an enterprise's address, profile and indicators; a status on substations,
 * enterprises and devices (nothing is deleted, a row is retired); the contacts of enterprises and substations.
 */
export const zoneRegisterMigration: Migration = {
  id: 9,
  name: 'zone-register',
  async up(sql) {
    await sql.query(`ALTER TABLE substations ADD COLUMN IF NOT EXISTS status text NOT NULL DEFAULT 'active'`);
    await sql.query(`ALTER TABLE enterprises
      ADD COLUMN IF NOT EXISTS address text NOT NULL DEFAULT '',
      ADD COLUMN IF NOT EXISTS status text NOT NULL DEFAULT 'active',
      ADD COLUMN IF NOT EXISTS profile jsonb NOT NULL DEFAULT '{"floors": null, "areaM2": null, "occupants": null}',
      ADD COLUMN IF NOT EXISTS indicators jsonb NOT NULL DEFAULT '{}'`);
    await sql.query(`ALTER TABLE devices ADD COLUMN IF NOT EXISTS status text NOT NULL DEFAULT 'active'`);
    await sql.query(`CREATE TABLE IF NOT EXISTS contacts (
      id text PRIMARY KEY,
      name text NOT NULL,
      phone text NOT NULL DEFAULT '',
      email text NOT NULL DEFAULT '',
      role text NOT NULL,
      enterprise_id text NULL REFERENCES enterprises (id),
      substation_id text NULL REFERENCES substations (id),
      CHECK ((enterprise_id IS NULL) <> (substation_id IS NULL))
    )`);
    await sql.query(`CREATE INDEX IF NOT EXISTS contacts_enterprise_idx ON contacts (enterprise_id) WHERE enterprise_id IS NOT NULL`);
    await sql.query(`CREATE INDEX IF NOT EXISTS contacts_substation_idx ON contacts (substation_id) WHERE substation_id IS NOT NULL`);
  },
};
