import type { Migration } from './migration';
import { MIGRATIONS } from './migrations';
import type { SqlClient, SqlExecutor } from './sql-client';
import { consoleStorageLogger, type StorageLogger } from './storage-logger';

const MIGRATION_LOCK_KEY = 7_316_452_001;

export interface MigrateResult {
  applied: string[];
  skipped: string[];
}

/** Applies pending migrations, each in its own transaction; safe to run from several processes at once. */
export async function migrate(
  sql: SqlClient,
  logger: StorageLogger = consoleStorageLogger,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrateResult> {
  // PGlite has a single connection, so only PostgreSQL needs the lock.
  const lock = async (tx: SqlExecutor): Promise<void> => {
    if (sql.kind === 'pg') await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
  };
  await sql.transaction(async (tx) => {
    await lock(tx);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      id int PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
  });

  const result: MigrateResult = { applied: [], skipped: [] };
  for (const migration of [...migrations].sort((a, b) => a.id - b.id)) {
    const label = `${String(migration.id).padStart(3, '0')}-${migration.name}`;
    if (migration.requiresTimescale && !sql.timescale) {
      result.skipped.push(label);
      continue;
    }
    const applied = await sql.transaction(async (tx) => {
      await lock(tx);
      const done = await tx.query('SELECT 1 FROM schema_migrations WHERE id = $1', [migration.id]);
      if (done.length > 0) return false;
      await migration.up(tx, { timescale: sql.timescale });
      await tx.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [migration.id, migration.name]);
      return true;
    });
    if (applied) {
      result.applied.push(label);
      logger.log(`migration ${label} applied`);
    }
  }
  if (result.skipped.length > 0) logger.log(`migrations skipped without TimescaleDB: ${result.skipped.join(', ')}`);
  return result;
}
