import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, type ClientConfig } from 'pg';
import { pgConnectionOptions } from '@app/storage';
import { freePort } from './free-port';
import { waitFor } from './wait-for';

export type AppName = 'ingest' | 'risk-engine' | 'dispatch' | 'command-center';

const ROOT = join(__dirname, '..', '..', '..');
const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
export const MQTT_URL = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
export const TOKEN = 'distributed-operator-token';

/** A PostgreSQL other than the machine's: reached over TLS, verified against its CA, with a password in its URL. */
export interface HarnessPostgres {
  /** Its `postgres` database, e.g. `postgres://postgres:pw@localhost:5433/postgres?sslmode=verify-full`. */
  adminUrl: string;
  /** PEM file of the CA that signed its certificate. */
  caPath: string;
  ca: string;
}

export interface RunningApp {
  name: string;
  app: AppName;
  port: number;
  process: ChildProcess;
  exited: Promise<number | null>;
}

/**
 * Every app as its own process (`node dist/apps/<app>/src/main.js`) against the
 * machine's Mosquitto, the Kafka broker and a PostgreSQL database of its own.
 * Kafka topics, groups and the MQTT share group carry a per-run prefix, so runs
 * never see each other's messages.
 */
export class DistributedHarness {
  readonly run = randomUUID().slice(0, 8);
  readonly database = `zone_dist_${this.run}`;
  readonly databaseUrl: string;
  readonly apps = new Map<string, RunningApp>();
  readonly logDir = join(ROOT, 'test-artifacts', 'distributed', this.run);
  private readonly adminUrl: string;

  /** With `postgres`, the apps get the database URL as a file (DATABASE_URL_FILE) and DATABASE_CA. */
  constructor(
    private readonly env: Record<string, string> = {},
    private readonly postgres?: HarnessPostgres,
  ) {
    mkdirSync(this.logDir, { recursive: true });
    this.adminUrl = postgres?.adminUrl ?? ADMIN_URL;
    const url = new URL(this.adminUrl);
    url.pathname = `/${this.database}`;
    this.databaseUrl = url.toString();
  }

  async createDatabase(): Promise<void> {
    await this.admin(`CREATE DATABASE ${this.database}`);
  }

  async dropDatabase(): Promise<void> {
    await this.admin(`DROP DATABASE IF EXISTS ${this.database} WITH (FORCE)`);
  }

  async start(app: AppName, name: string = app, extraEnv: Record<string, string> = {}): Promise<RunningApp> {
    const port = await freePort();
    const env = {
      ...process.env,
      NODE_OPTIONS: '',
      PORT: String(port),
      MQTT_URL,
      KAFKA_BROKERS,
      ...this.databaseEnv(),
      KAFKA_NAME_PREFIX: `t${this.run}.`,
      KAFKA_PARTITIONS: '4',
      INGEST_SHARE_GROUP: `zone-ingest-${this.run}`,
      INGEST_CLIENT_ID: `${name}-${this.run}`,
      // Long enough to survive a restart within the test; short so the machine's shared Mosquitto forgets finished runs.
      INGEST_SESSION_EXPIRY_S: '120',
      OPERATOR_TOKEN: TOKEN,
      SEED_ENTERPRISES: '20',
      LOG_LEVEL: 'info',
      DEADLINE_POLL_MS: '200',
      ...this.env,
      ...extraEnv,
    };
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'apps', app, 'src', 'main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = createWriteStream(join(this.logDir, `${name}.log`), { flags: 'a' });
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const running: RunningApp = { name, app, port, process: child, exited };
    this.apps.set(name, running);
    // A process that exits fails the start at once, rather than when the wait for its health times out.
    await Promise.race([
      waitFor(
        async () => {
          const res = await fetch(`http://127.0.0.1:${port}/health`).catch(() => null);
          return res?.status === 200;
        },
        60_000,
        `${name} to become healthy`,
      ),
      exited.then((code) => {
        throw new Error(`${name} exited during start (code ${code}); see ${this.logDir}/${name}.log`);
      }),
    ]);
    return running;
  }

  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const app = this.apps.get(name);
    if (!app) return;
    app.process.kill(signal);
    // A process that does not finish its shutdown in 10 s is killed, so a hang cannot stall the suite (the log says so).
    const force =
      signal === 'SIGKILL'
        ? undefined
        : setTimeout(() => {
            process.stderr.write(`${name} did not stop within 10 s of ${signal}: SIGKILL\n`);
            app.process.kill('SIGKILL');
          }, 10_000);
    await app.exited;
    clearTimeout(force);
    this.apps.delete(name);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.apps.keys()].map((name) => this.kill(name, 'SIGTERM')));
  }

  url(name: string, path: string): string {
    const app = this.apps.get(name);
    if (!app) throw new Error(`${name} is not running`);
    return `http://127.0.0.1:${app.port}${path}`;
  }

  async api<T = any>(name: string, path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
    const res = await fetch(this.url(name, path), {
      ...init,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  async query<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client(this.clientConfig(this.databaseUrl));
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  private databaseEnv(): Record<string, string> {
    if (!this.postgres) return { DATABASE_URL: this.databaseUrl };
    const file = join(this.logDir, 'database-url');
    writeFileSync(file, `${this.databaseUrl}\n`, { mode: 0o600 });
    return { DATABASE_URL_FILE: file, DATABASE_CA: this.postgres.caPath };
  }

  private clientConfig(url: string): ClientConfig {
    return pgConnectionOptions(url, this.postgres?.ca);
  }

  private async admin(sql: string): Promise<void> {
    const client = new Client(this.clientConfig(this.adminUrl));
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }
}
