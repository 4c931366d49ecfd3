import type { Migration } from '../migration';

/**
 * The audit log of every write through the API, append-only: a trigger refuses
 * UPDATE, DELETE and TRUNCATE, whoever asks (a plain table and a plpgsql
 * trigger, so the same on PostgreSQL, TimescaleDB and PGlite). Tokens get an id
 * to name them by (the hash stays the key a secret is found by), an expiry,
 * the time of their last use and of their revocation.
 */
export const auditAndTokenLifecycleMigration: Migration = {
  id: 8,
  name: 'audit-and-token-lifecycle',
  async up(sql) {
    await sql.query(`ALTER TABLE api_tokens
      ADD COLUMN IF NOT EXISTS id text NULL,
      ADD COLUMN IF NOT EXISTS expires_at timestamptz NULL,
      ADD COLUMN IF NOT EXISTS last_used_at timestamptz NULL,
      ADD COLUMN IF NOT EXISTS revoked_at timestamptz NULL`);
    await sql.query(`UPDATE api_tokens SET id = gen_random_uuid()::text WHERE id IS NULL`);
    await sql.query(`ALTER TABLE api_tokens ALTER COLUMN id SET NOT NULL`);
    await sql.query(`CREATE UNIQUE INDEX IF NOT EXISTS api_tokens_id ON api_tokens (id)`);
    await sql.query(`CREATE INDEX IF NOT EXISTS api_tokens_created ON api_tokens (created_at DESC, id DESC)`);

    await sql.query(`CREATE TABLE IF NOT EXISTS audit_log (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL,
      actor_token_id text NOT NULL,
      actor_name text NOT NULL,
      actor_role text NOT NULL,
      action text NOT NULL,
      entity text NOT NULL,
      entity_id text NOT NULL,
      before jsonb NULL,
      after jsonb NULL,
      correlation_id text NOT NULL
    )`);
    // The list is newest first and pages by (at, id); each filter has an index in that order.
    await sql.query(`CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log (at DESC, id DESC)`);
    await sql.query(`CREATE INDEX IF NOT EXISTS audit_log_entity ON audit_log (entity, entity_id, at DESC, id DESC)`);
    await sql.query(`CREATE INDEX IF NOT EXISTS audit_log_actor ON audit_log (actor_token_id, at DESC, id DESC)`);
    await sql.query(`CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
    $$`);
    await sql.query(`DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log`);
    await sql.query(`CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
    await sql.query(`DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log`);
    await sql.query(`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`);
  },
};
