import { Pool, types, type PoolClient } from 'pg';
import { pgConnectionOptions } from './pg-connection-options';
import type { SqlClient, SqlExecutor } from './sql-client';
import { consoleStorageLogger, type StorageLogger } from './storage-logger';

const toNumber = (value: string): number => Number(value);

// Per-pool parsers rather than pg.types.setTypeParser, which is process-global.
const BIGINT_OIDS: ReadonlySet<number> = new Set([types.builtins.INT8, types.builtins.NUMERIC]);
const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    BIGINT_OIDS.has(oid) ? toNumber : (types.getTypeParser(oid, format ?? 'text') as unknown)) as typeof types.getTypeParser,
};

/**
 * A PostgreSQL pool for urgent work and a small one for bulk work; uses TimescaleDB when the server offers it.
 * With `ca` (DATABASE_CA's PEM) over TLS, the server's certificate and host name verified against it.
 */
export async function openPgClient(url: string, logger: StorageLogger = consoleStorageLogger, ca?: string): Promise<SqlClient> {
  const connection = pgConnectionOptions(url, ca);
  const pool = new Pool({ ...connection, types: typeParsers, max: 10 });
  // Small, so bulk writes never hold the connections dispatch, escalation and alarms need.
  const bulkPool = new Pool({ ...connection, types: typeParsers, max: 2 });
  pool.on('error', (err) => logger.warn(`idle PostgreSQL connection failed: ${err.message}`));
  bulkPool.on('error', (err) => logger.warn(`idle PostgreSQL bulk connection failed: ${err.message}`));
  const withErrorListener = new WeakSet<PoolClient>();
  const endPools = async () => {
    await Promise.all([pool, bulkPool].filter((p) => !p.ended).map((p) => p.end()));
  };
  try {
    const timescale = await enableTimescale(pool, logger);
    const executor = (target: Pool | PoolClient): SqlExecutor => ({
      async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
        return (await target.query(sql, params)).rows as T[];
      },
    });
    return {
      kind: 'pg',
      timescale,
      ...executor(pool),
      bulk: executor(bulkPool),
      async transaction(fn) {
        const client = await pool.connect();
        // A connection that drops while checked out emits 'error' on the client, outside the pool's
        // idle listener: without one of our own that crashes the process (the query in flight fails anyway).
        if (!withErrorListener.has(client)) {
          withErrorListener.add(client);
          client.on('error', (err) => logger.warn(`PostgreSQL connection failed during a transaction: ${err.message}`));
        }
        try {
          await client.query('BEGIN');
          const result = await fn(executor(client));
          await client.query('COMMIT');
          client.release();
          return result;
        } catch (err) {
          const rollback = await client.query('ROLLBACK').then(
            () => undefined,
            (e: Error) => e,
          );
          client.release(rollback);
          throw err;
        }
      },
      async exec(sql) {
        await pool.query(sql);
      },
      async ping() {
        await pool.query('SELECT 1');
      },
      close: endPools,
    };
  } catch (err) {
    await endPools();
    throw err;
  }
}

async function enableTimescale(pool: Pool, logger: StorageLogger): Promise<boolean> {
  const available = await pool.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'`);
  let reason = 'the extension is not installed on this server';
  if (available.rowCount) {
    try {
      await pool.query('CREATE EXTENSION IF NOT EXISTS timescaledb');
    } catch (err) {
      reason = `CREATE EXTENSION failed: ${(err as Error).message}`;
    }
    // Another process may have won the race to create it.
    const created = await pool.query(`SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'`);
    if (created.rowCount) return true;
  }
  logger.warn(
    `TimescaleDB unavailable (${reason}): readings use a plain table without compression or retention, ` +
      'and per-minute statistics are computed by plain SQL',
  );
  return false;
}
