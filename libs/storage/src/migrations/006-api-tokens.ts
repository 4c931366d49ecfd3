import type { Migration } from '../migration';

/** API tokens with their role; only a hash of each token is kept. */
export const apiTokensMigration: Migration = {
  id: 6,
  name: 'api-tokens',
  async up(sql) {
    await sql.query(`CREATE TABLE IF NOT EXISTS api_tokens (
      token_hash text PRIMARY KEY,
      role text NOT NULL CHECK (role IN ('operator', 'substation', 'viewer')),
      substation_id text NULL REFERENCES substations (id),
      name text NOT NULL,
      created_at timestamptz NOT NULL
    )`);
  },
};
