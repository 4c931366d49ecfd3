import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { migrate, openPgClient, openPgliteClient, type SqlClient, type StorageLogger } from '@app/storage';

/** The PostgreSQL server integration specs create their throwaway databases on. */
export const TEST_POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface RecordingLogger extends StorageLogger {
  readonly warnings: string[];
}

export function recordingLogger(): RecordingLogger {
  const warnings: string[] = [];
  return { warnings, log: () => undefined, warn: (msg) => warnings.push(msg) };
}

export interface TestDatabase {
  sql: SqlClient;
  logger: RecordingLogger;
  /** Closes the client and removes the data dir or database. */
  dispose(): Promise<void>;
}

export interface StorageBackend {
  name: 'pglite' | 'pg';
  /** A fresh, migrated database. */
  open(): Promise<TestDatabase>;
}

export async function tempDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'storage-spec-'));
}

export async function createPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `storage_spec_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new Client({ connectionString: TEST_POSTGRES_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

export const STORAGE_BACKENDS: StorageBackend[] = [
  {
    name: 'pglite',
    async open() {
      const dir = await tempDataDir();
      const logger = recordingLogger();
      const sql = await openPgliteClient(join(dir, 'pg'), logger);
      await migrate(sql, logger);
      return {
        sql,
        logger,
        async dispose() {
          await sql.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'pg',
    async open() {
      const db = await createPgDatabase();
      const logger = recordingLogger();
      const sql = await openPgClient(db.url, logger);
      await migrate(sql, logger);
      return {
        sql,
        logger,
        async dispose() {
          await sql.close();
          await db.drop();
        },
      };
    },
  },
];

/**
 * A client on its own connections to the same database, so a race between the
 * two is a race between processes. PGlite has one connection, which queues.
 */
export async function secondClient(db: TestDatabase): Promise<SqlClient> {
  if (db.sql.kind === 'pglite') return db.sql;
  const [{ name }] = await db.sql.query<{ name: string }>(`SELECT current_database() AS name`);
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return openPgClient(url.toString(), db.logger);
}
