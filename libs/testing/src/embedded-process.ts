import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { waitFor } from './wait-for';

const ROOT = join(__dirname, '..', '..', '..');

/**
 * `npm start`'s process (all-in-one from dist/, embedded broker, PGlite) as a child a test can SIGKILL and start
 * again on the same data directory and ports. Its output goes to test-artifacts/<name>/all-in-one.log.
 */
export class EmbeddedProcess {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'zone-child-'));
  private child: ChildProcess | null = null;
  private exited: Promise<unknown> = Promise.resolve();
  httpPort = 0;
  mqttPort = 0;

  constructor(
    private readonly name: string,
    readonly token: string,
    private readonly env: Record<string, string> = {},
  ) {}

  /** Starts it and waits until /health answers; resolves with how long that took. */
  async start(): Promise<number> {
    this.httpPort ||= await freePort();
    this.mqttPort ||= await freePort();
    const logDir = join(ROOT, 'test-artifacts', this.name);
    mkdirSync(logDir, { recursive: true });
    const startedAt = Date.now();
    this.child = spawn(process.execPath, [join(ROOT, 'dist', 'apps', 'all-in-one', 'src', 'main.js')], {
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        PORT: String(this.httpPort),
        MQTT_PORT: String(this.mqttPort),
        MQTT_HOST: '127.0.0.1',
        MQTT_DEVICE_AUTH: 'off',
        DATA_DIR: this.dataDir,
        OPERATOR_TOKEN: this.token,
        LOG_LEVEL: 'info',
        DEADLINE_POLL_MS: '200',
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = createWriteStream(join(logDir, 'all-in-one.log'), { flags: 'a' });
    this.child.stdout!.pipe(log);
    this.child.stderr!.pipe(log);
    this.exited = new Promise((resolve) => this.child!.once('exit', resolve));
    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${this.httpPort}/health`).catch(() => null))?.status === 200,
      60_000,
      'the all-in-one process to become healthy',
    );
    return Date.now() - startedAt;
  }

  async kill(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  async api<T = any>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
    const res = await fetch(`http://127.0.0.1:${this.httpPort}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  async dispose(): Promise<void> {
    await this.kill();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
