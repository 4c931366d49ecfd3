import { TcpProxy } from '@app/testing';
import { openPgClient } from './pg-client';
import { recordingLogger, TEST_POSTGRES_URL } from '@app/testing/storage-backends';

/** PostgreSQL going away under a transaction in progress (through a TCP proxy the test cuts). */
describe('pg client when the connection drops mid-transaction', () => {
  it('fails the transaction and logs, instead of crashing the process on the client error event', async () => {
    const proxy = new TcpProxy('127.0.0.1', 5432);
    const port = await proxy.start();
    const url = new URL(TEST_POSTGRES_URL);
    url.port = String(port);
    const logger = recordingLogger();
    const sql = await openPgClient(url.toString(), logger);
    try {
      let inside!: () => void;
      const entered = new Promise<void>((resolve) => (inside = resolve));
      const tx = sql.transaction(async (q) => {
        await q.query('SELECT 1');
        inside();
        await new Promise((r) => setTimeout(r, 300)); // the connection drops while the transaction holds it
        return q.query('SELECT 2');
      });
      await entered;
      proxy.cut();
      await expect(tx).rejects.toThrow();
      expect(logger.warnings.some((w) => /PostgreSQL connection failed/.test(w))).toBe(true);
      proxy.restore();
      await expect(sql.query('SELECT 3 AS n')).resolves.toEqual([{ n: 3 }]);
    } finally {
      await sql.close();
      await proxy.stop();
    }
  });
});
