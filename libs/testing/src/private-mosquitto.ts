import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { waitFor } from './wait-for';

export interface PrivateMosquittoOptions {
  /** Keep sessions and queued messages across a SIGTERM restart. */
  persistence?: boolean;
  /** Where the broker's output goes (appended); discarded when absent. */
  logFile?: string;
  /** A second listener, TLS, on tlsPort; with requireClientCertificate a client must present one the CA signed. */
  tls?: { certPath: string; keyPath: string; caPath: string; requireClientCertificate?: boolean };
}

/**
 * A Mosquitto of its own on a free port (the machine's one on 1883 is shared
 * and carries other runs' sessions), restartable on that port. Queues are
 * large enough that a burst is held, not dropped.
 */
export class PrivateMosquitto {
  readonly dir = mkdtempSync(join(tmpdir(), 'zone-mosquitto-'));
  port = 0;
  tlsPort = 0;
  private child: ChildProcess | null = null;
  private exited: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: PrivateMosquittoOptions = {}) {}

  async start(): Promise<void> {
    this.port ||= await freePort();
    const tls = this.options.tls;
    if (tls) this.tlsPort ||= await freePort();
    const tlsListener = tls
      ? [
          `listener ${this.tlsPort} 127.0.0.1`,
          `certfile ${tls.certPath}`,
          `keyfile ${tls.keyPath}`,
          `cafile ${tls.caPath}`,
          `require_certificate ${tls.requireClientCertificate ? 'true' : 'false'}`,
        ]
      : [];
    const conf = join(this.dir, 'mosquitto.conf');
    const persistence = this.options.persistence ? ['persistence true', `persistence_location ${this.dir}/`] : ['persistence false'];
    writeFileSync(
      conf,
      [
        `listener ${this.port} 127.0.0.1`,
        ...tlsListener,
        'allow_anonymous true',
        'user root',
        ...persistence,
        'max_queued_messages 1000000',
        'max_inflight_messages 0',
        'set_tcp_nodelay true',
      ].join('\n') + '\n',
    );
    this.child = spawn('mosquitto', ['-c', conf], {
      stdio: ['ignore', this.options.logFile ? 'pipe' : 'ignore', this.options.logFile ? 'pipe' : 'ignore'],
    });
    if (this.options.logFile) {
      const log = createWriteStream(this.options.logFile, { flags: 'a' });
      this.child.stdout!.pipe(log);
      this.child.stderr!.pipe(log);
    }
    const child = this.child;
    this.exited = new Promise((resolve) => child.once('exit', resolve));
    await waitFor(() => listening(this.port), 10_000, 'mosquitto to listen');
    if (tls) await waitFor(() => listening(this.tlsPort), 10_000, 'mosquitto to listen on TLS');
  }

  /** SIGTERM saves sessions and queued messages; SIGKILL with the store removed is a broker that lost everything. */
  async stop(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    this.child?.kill(signal);
    await this.exited;
    if (signal === 'SIGKILL') rmSync(join(this.dir, 'mosquitto.db'), { force: true });
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  get tlsUrl(): string {
    return `mqtts://127.0.0.1:${this.tlsPort}`;
  }

  async dispose(): Promise<void> {
    await this.stop('SIGTERM');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}
