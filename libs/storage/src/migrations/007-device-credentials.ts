import type { Migration } from '../migration';

/**
 * Device MQTT secrets, one per device; only a hash of each is kept. Replaces
 * the never-written `devices.secret_hash` column, so device secrets live in
 * one place, apart from the zone's seed data.
 */
export const deviceCredentialsMigration: Migration = {
  id: 7,
  name: 'device-credentials',
  async up(sql) {
    await sql.query(`CREATE TABLE IF NOT EXISTS device_credentials (
      device_id text PRIMARY KEY REFERENCES devices (id),
      secret_hash text NOT NULL,
      issued_at timestamptz NOT NULL
    )`);
    await sql.query(`ALTER TABLE devices DROP COLUMN IF EXISTS secret_hash`);
  },
};
