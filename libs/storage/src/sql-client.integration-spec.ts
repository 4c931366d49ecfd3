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

  it('passes parameters and returns rows of the same types on the bulk lane and in a transaction', async () => {
    const at = new Date(Date.UTC(2026, 1, 3, 4, 5, 6, 789));
    const text = `SELECT $1::timestamptz AS at, $2::jsonb AS doc, $3::int8 AS big, $4::numeric AS dec, $5::text AS nothing`;
    const params = [at, JSON.stringify({ nested: { list: [1, null, 'z'] } }), 9_007_199_254_740_991, 12.75, null];
    const expected = { at, doc: { nested: { list: [1, null, 'z'] } }, big: 9_007_199_254_740_991, dec: 12.75, nothing: null };

    await expect(opened.sql.bulk.query(text, params)).resolves.toEqual([expected]);
    await expect(opened.sql.transaction((tx) => tx.query(text, params))).resolves.toEqual([expected]);
  });

  it('rejects with an Error that carries the PostgreSQL fields', async () => {
    await opened.sql.exec('CREATE TABLE unique_names (name text CONSTRAINT unique_names_key UNIQUE)');
    await opened.sql.query(`INSERT INTO unique_names VALUES ('a')`);

    const violation = await opened.sql.query(`INSERT INTO unique_names VALUES ('a')`).catch((e: unknown) => e);
    expect(violation).toBeInstanceOf(Error);
    expect(violation).toMatchObject({
      code: '23505',
      severity: 'ERROR',
      constraint: 'unique_names_key',
      table: 'unique_names',
      schema: 'public',
      detail: 'Key (name)=(a) already exists.',
      message: expect.stringContaining('unique_names_key'),
    });
    await expect(opened.sql.bulk.query('SELECT nope FROM unique_names')).rejects.toMatchObject({
      code: '42703',
      position: '8',
      message: expect.stringContaining('nope'),
    });
  });

  it('keeps a transaction to itself: a query from outside never sees its uncommitted rows', async () => {
    await opened.sql.exec('CREATE TABLE isolated (id int PRIMARY KEY)');
    const events: string[] = [];
    const outside = (id: number) =>
      opened.sql.query<{ id: number }>('SELECT id FROM isolated WHERE id = $1', [id]).then((rows) => {
        events.push(`outside ${id}`);
        return rows;
      });

    if (opened.sql.kind === 'pg') {
      await opened.sql.transaction(async (tx) => {
        await tx.query('INSERT INTO isolated VALUES (1)');
        await expect(outside(1)).resolves.toEqual([]);
      });
      await expect(outside(1)).resolves.toEqual([{ id: 1 }]);
      return;
    }

    // One connection: the outside query waits for the transaction to end, then sees what it committed.
    let committedRead!: Promise<{ id: number }[]>;
    await opened.sql.transaction(async (tx) => {
      await tx.query('INSERT INTO isolated VALUES (1)');
      committedRead = outside(1);
      await tx.query('SELECT count(*) FROM generate_series(1, 100000)');
      events.push('commit');
    });
    await expect(committedRead).resolves.toEqual([{ id: 1 }]);

    let rolledBackRead!: Promise<{ id: number }[]>;
    await expect(
      opened.sql.transaction(async (tx) => {
        await tx.query('INSERT INTO isolated VALUES (2)');
        rolledBackRead = outside(2);
        events.push('rollback');
        await tx.query('INSERT INTO isolated VALUES (1)');
      }),
    ).rejects.toMatchObject({ code: '23505' });
    await expect(rolledBackRead).resolves.toEqual([]);

    expect(events).toEqual(['commit', 'outside 1', 'rollback', 'outside 2']);
  });

  it('serves urgent queries and transactions before bulk work waiting in line', async () => {
    const finished: string[] = [];
    const track = (name: string, work: Promise<unknown>) => work.then(() => finished.push(name));
    const bulkSlices = Array.from({ length: 4 }, (_, i) =>
      track(`bulk ${i}`, opened.sql.bulk.query('SELECT count(*) FROM generate_series(1, 1500000)')),
    );
    const urgent = [
      track('urgent query', opened.sql.query('SELECT 1')),
      track(
        'urgent transaction',
        opened.sql.transaction((tx) => tx.query('SELECT 1')),
      ),
    ];

    await Promise.all([...bulkSlices, ...urgent]);

    const lastBulk = finished.indexOf('bulk 3');
    expect(finished.indexOf('urgent query')).toBeLessThan(lastBulk);
    expect(finished.indexOf('urgent transaction')).toBeLessThan(lastBulk);
  });

  it('closes once however often it is asked, and refuses queries after', async () => {
    const { sql } = await backend.open();
    await Promise.all([sql.close(), sql.close()]);
    await expect(sql.close()).resolves.toBeUndefined();
    await expect(sql.query('SELECT 1')).rejects.toThrow();
  });
});
