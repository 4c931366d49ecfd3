import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { openSqlClient } from './open-sql-client';
import type { SqlClient } from './sql-client';
import { createPgDatabase, recordingLogger, tempDataDir } from '@app/testing/storage-backends';

type Opened = { sql: SqlClient; dispose(): Promise<void> };

const backends: { name: string; open(): Promise<Opened> }[] = [
  {
    name: 'pglite (no DATABASE_URL)',
    async open() {
      const dir = await tempDataDir();
      const dataDir = join(dir, 'not', 'yet', 'there');
      const sql = await openSqlClient({ dataDir }, recordingLogger());
      expect(existsSync(join(dataDir, 'pg'))).toBe(true);
      expect(sql.kind).toBe('pglite');
      return {
        sql,
        async dispose() {
          await sql.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'pg (DATABASE_URL)',
    async open() {
      const db = await createPgDatabase();
      const sql = await openSqlClient({ databaseUrl: db.url, dataDir: '/nonexistent' }, recordingLogger());
      expect(sql.kind).toBe('pg');
      return {
        sql,
        async dispose() {
          await sql.close();
          await db.drop();
        },
      };
    },
  },
];

describe.each(backends)('SqlClient on $name', (backend) => {
  let opened: Opened;

  beforeAll(async () => {
    opened = await backend.open();
  });

  afterAll(() => opened.dispose());

  it('returns the same JS types as the other backend', async () => {
    const [row] = await opened.sql.query(
      `SELECT count(*) AS n, 2.5::numeric AS dec, 3::int8 AS big, '{"a":[1,"x"]}'::jsonb AS doc,
              $1::timestamptz AS at, true AS flag, 1.25::float8 AS f, NULL::text AS nothing`,
      [new Date(Date.UTC(2026, 0, 5))],
    );
    expect(row).toEqual({
      n: 1,
      dec: 2.5,
      big: 3,
      doc: { a: [1, 'x'] },
      at: new Date(Date.UTC(2026, 0, 5)),
      flag: true,
      f: 1.25,
      nothing: null,
    });
  });

  it('runs several statements, commits transactions and rolls back failed ones', async () => {
    await opened.sql.exec('CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1);');
    await opened.sql.transaction(async (tx) => {
      await tx.query('INSERT INTO t VALUES ($1)', [2]);
    });
    await expect(
      opened.sql.transaction(async (tx) => {
        await tx.query('INSERT INTO t VALUES ($1)', [3]);
        await tx.query('INSERT INTO t VALUES ($1)', [1]);
      }),
    ).rejects.toMatchObject({ code: '23505' });

    await expect(opened.sql.query('SELECT id FROM t ORDER BY id')).resolves.toEqual([{ id: 1 }, { id: 2 }]);
    await expect(opened.sql.ping()).resolves.toBeUndefined();
  });
});
