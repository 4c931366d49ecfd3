import type { Migration } from '../migration';

/**
 * The client certificate each device may log in to the embedded broker with, by its SHA-256 fingerprint: the
 * zone CA vouches for the name, the register for the one certificate that is current. Deleting the row revokes it.
 */
export const deviceCertificatesMigration: Migration = {
  id: 20,
  name: 'device-certificates',
  async up(sql) {
    await sql.query(`CREATE TABLE IF NOT EXISTS device_certificates (
      device_id text PRIMARY KEY REFERENCES devices (id),
      fingerprint text NOT NULL,
      registered_at timestamptz NOT NULL
    )`);
  },
};
