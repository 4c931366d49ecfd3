import type { Migration } from '../migration';

/**
 * A contact can be retired like every other row of the register (nothing is deleted): a retired contact stays in
 * the register and its history, and is told of nothing. A plain column with a default, so every stored contact is
 * active, on PGlite, PostgreSQL and TimescaleDB alike (contacts is no hypertable).
 */
export const contactStatusMigration: Migration = {
  id: 12,
  name: 'contact-status',
  async up(sql) {
    await sql.query(`ALTER TABLE contacts
      ADD COLUMN IF NOT EXISTS status text NOT NULL DEFAULT 'active' CONSTRAINT contacts_status_check CHECK (status IN ('active', 'retired'))`);
  },
};
