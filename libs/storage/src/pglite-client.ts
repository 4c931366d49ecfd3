import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SqlClient, SqlExecutor } from './sql-client';
import { consoleStorageLogger, type StorageLogger } from './storage-logger';

/** What pglite-worker.js serves; `transaction` requests belong to the open transaction. */
type WorkerRequest =
  | { op: 'open'; dataDir: string | null }
  | { op: 'query'; sql: string; params?: unknown[]; lane?: 'bulk'; transaction?: true }
  | { op: 'exec'; sql: string }
  | { op: 'begin' }
  | { op: 'commit' | 'rollback'; transaction: true }
  | { op: 'close'; lane: 'bulk' };

type WorkerReply =
  { id: number; ok: true; value?: unknown } | { id: number; ok: false; error: { message: string } & Record<string, unknown> };

// Beside this file in the sources and, copied by the build, in dist.
const WORKER_FILE = join(__dirname, 'pglite-worker.js');

export interface PgliteClient extends SqlClient {
  readonly kind: 'pglite';
  /** The thread PGlite runs on. */
  readonly worker: Worker;
}

/** The main thread's end of the worker: numbered requests, each settled by the worker's reply. */
class PgliteWorkerPort {
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(err: Error): void }>();
  private nextId = 1;
  /** Why requests are refused: the worker stopped or the client closed. */
  private refusal: string | null = null;
  /** The worker is gone: not even an open transaction's requests can be served. */
  private stopped = false;

  constructor(readonly worker: Worker) {
    // Referenced only while a request waits, so an idle client does not keep the process alive.
    worker.unref();
    worker.on('message', (reply: WorkerReply) => this.settle(reply));
    worker.on('error', (err) => this.stop(`the PGlite worker failed: ${err.message}`));
    worker.on('exit', (code) => this.stop(`the PGlite worker exited with code ${code}`));
  }

  request<T>(request: WorkerRequest): Promise<T> {
    // A transaction open when close began must still reach its commit or rollback: the worker serves
    // nothing else until it ends, so refusing its requests would leave close waiting forever.
    const ofOpenTransaction = 'transaction' in request && !this.stopped;
    if (this.refusal && !ofOpenTransaction) return Promise.reject(new Error(this.refusal));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.worker.postMessage({ ...request, id });
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) this.worker.ref();
    });
  }

  /** Refuses new requests, lets the queued ones finish, closes PGlite and ends the thread. */
  async close(): Promise<void> {
    if (!this.refusal) {
      const closed = this.request({ op: 'close', lane: 'bulk' }).catch(() => undefined);
      this.refusal = 'the PGlite client is closed';
      await closed;
    }
    await this.worker.terminate();
  }

  private settle(reply: WorkerReply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.ok) waiting.resolve(reply.value);
    else waiting.reject(Object.assign(new Error(reply.error.message), reply.error));
  }

  private stop(reason: string): void {
    this.stopped = true;
    this.refusal ??= reason;
    for (const waiting of this.pending.values()) waiting.reject(new Error(reason));
    this.pending.clear();
  }
}

/** Embedded PostgreSQL with TimescaleDB on a worker thread; `dataDir` null keeps everything in memory. */
export async function openPgliteClient(dataDir: string | null, logger: StorageLogger = consoleStorageLogger): Promise<PgliteClient> {
  const startedAt = Date.now();
  const port = new PgliteWorkerPort(new Worker(WORKER_FILE));
  try {
    await port.request({ op: 'open', dataDir });
  } catch (err) {
    await port.worker.terminate();
    throw err;
  }
  logger.log(`PGlite ready at ${dataDir ?? 'memory'} in ${Date.now() - startedAt} ms`);

  const inTransaction: SqlExecutor = { query: (sql, params) => port.request({ op: 'query', sql, params, transaction: true }) };
  let closing: Promise<void> | undefined;
  return {
    kind: 'pglite',
    timescale: true,
    worker: port.worker,
    query: (sql, params) => port.request({ op: 'query', sql, params }),
    bulk: { query: (sql, params) => port.request({ op: 'query', sql, params, lane: 'bulk' }) },
    async transaction(fn) {
      await port.request({ op: 'begin' });
      let result: Awaited<ReturnType<typeof fn>>;
      try {
        result = await fn(inTransaction);
      } catch (err) {
        await port.request({ op: 'rollback', transaction: true }).catch(() => undefined);
        throw err;
      }
      await port.request({ op: 'commit', transaction: true });
      return result;
    },
    async exec(sql) {
      await port.request({ op: 'exec', sql });
    },
    async ping() {
      await port.request({ op: 'query', sql: 'SELECT 1' });
    },
    close: () => (closing ??= port.close()),
  };
}
