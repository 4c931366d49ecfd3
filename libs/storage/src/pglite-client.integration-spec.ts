import { threadId } from 'node:worker_threads';
import { openPgliteClient, type PgliteClient } from './pglite-client';
import { recordingLogger } from '@app/testing/storage-backends';

describe('PGlite on its worker thread', () => {
  let sql: PgliteClient;

  beforeEach(async () => {
    sql = await openPgliteClient(null, recordingLogger());
  });

  afterEach(() => sql.close());

  it('leaves the main event loop free while a query runs', async () => {
    let settled = false;
    const long = sql.query('SELECT count(*) AS n FROM generate_series(1, 3000000)').finally(() => (settled = true));

    for (let turn = 0; turn < 10; turn++) await new Promise(setImmediate);

    expect(settled).toBe(false);
    await expect(long).resolves.toEqual([{ n: 3_000_000 }]);
    expect(sql.worker.threadId).not.toBe(threadId);
  });

  it('rejects the calls waiting and every later one when the worker dies, instead of hanging', async () => {
    const waiting = [
      sql.bulk.query('SELECT count(*) FROM generate_series(1, 3000000)'),
      sql.query('SELECT 1'),
      sql.transaction((tx) => tx.query('SELECT 1')),
    ];

    await sql.worker.terminate();

    for (const call of waiting) await expect(call).rejects.toThrow('the PGlite worker exited with code 1');
    await expect(sql.query('SELECT 1')).rejects.toThrow('the PGlite worker exited');
    await expect(sql.exec('SELECT 1')).rejects.toThrow('the PGlite worker exited');
    await expect(sql.ping()).rejects.toThrow('the PGlite worker exited');
    await expect(sql.close()).resolves.toBeUndefined();
  });

  it('fails a query from a transaction that has ended', async () => {
    let leaked!: { query(sql: string): Promise<unknown[]> };
    await sql.transaction(async (tx) => {
      leaked = tx;
      await tx.query('SELECT 1');
    });

    await expect(leaked.query('SELECT 1')).rejects.toThrow('the transaction is no longer open');
    await expect(sql.query('SELECT 2 AS n')).resolves.toEqual([{ n: 2 }]);
  });

  it('lets a transaction open when close begins finish, then closes, refusing new work meanwhile', async () => {
    await sql.exec('CREATE TABLE t (n int)');
    let closed: Promise<void> | undefined;
    const committed = sql.transaction(async (tx) => {
      await tx.query('INSERT INTO t VALUES (1)');
      closed = sql.close();
      await expect(sql.query('SELECT 1')).rejects.toThrow('the PGlite client is closed');
      await tx.query('INSERT INTO t VALUES (2)');
      return (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM t'))[0].n;
    });

    await expect(committed).resolves.toBe(2);
    await expect(closed).resolves.toBeUndefined();
  });

  it('rolls back a transaction that fails while close waits for it', async () => {
    let closed: Promise<void> | undefined;
    const failed = sql.transaction(async (tx) => {
      closed = sql.close();
      await tx.query('SELECT 1 / 0');
    });

    await expect(failed).rejects.toThrow('division by zero');
    await expect(closed).resolves.toBeUndefined();
  });
});
