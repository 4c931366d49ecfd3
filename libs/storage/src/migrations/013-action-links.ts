import type { Migration } from '../migration';

/**
 * Signed action links: the key that signs them (made once, shared by every process on this database, so the
 * dispatch process that writes a link and the command center that takes it agree) and the links used, so each
 * works once.
 */
export const actionLinksMigration: Migration = {
  id: 13,
  name: 'action-links',
  async up(sql) {
    await sql.query(`CREATE TABLE IF NOT EXISTS app_secrets (
      name text PRIMARY KEY,
      value text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await sql.query(`CREATE TABLE IF NOT EXISTS action_link_uses (
      link_id text PRIMARY KEY,
      incident_id text NOT NULL,
      action text NOT NULL,
      contact_id text NOT NULL,
      used_at timestamptz NOT NULL
    )`);
  },
};
