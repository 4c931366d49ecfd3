import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import type { IssuedCertificate } from './tls-fixtures';
import { waitFor } from './wait-for';

const BIN = process.env.POSTGRES_BIN_DIR ?? '/usr/lib/postgresql/15/bin';
/** PostgreSQL refuses to run as root: the cluster belongs to this user. */
const OWNER = 'postgres';

export interface PrivatePostgresOptions {
  /** The certificate the server presents. */
  server: IssuedCertificate;
  /**
   * The `postgres` user's password: TCP connections must then be TLS and log in
   * with it (SCRAM); without, anyone on 127.0.0.1 gets in (trust) over TLS or not.
   */
  password?: string;
}

/**
 * A PostgreSQL cluster of its own in a temp folder, on a free port on
 * 127.0.0.1, with TLS on (`ssl=on`) by a certificate given at start.
 */
export class PrivatePostgres {
  readonly dir = mkdtempSync(join(tmpdir(), 'zone-postgres-'));
  port = 0;
  private child: ChildProcess | null = null;
  private exited: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: PrivatePostgresOptions) {}

  async start(): Promise<void> {
    this.port = await freePort();
    const data = join(this.dir, 'data');
    const cert = join(this.dir, 'server.pem');
    const key = join(this.dir, 'server.key');
    copyFileSync(this.options.server.certPath, cert);
    copyFileSync(this.options.server.keyPath, key);
    const { password } = this.options;
    const passwordFile = join(this.dir, 'password');
    if (password) writeFileSync(passwordFile, password);
    // The server refuses a key others can read; the folder's owner must be the one running it.
    chmodSync(key, 0o600);
    execFileSync('chown', ['-R', `${OWNER}:${OWNER}`, this.dir]);
    const auth = password ? ['--auth-local=trust', '--auth-host=scram-sha-256', `--pwfile=${passwordFile}`] : ['--auth=trust'];
    asOwner(['initdb', '-D', data, '-U', 'postgres', ...auth, '-E', 'UTF8', '--no-sync']);
    if (password) {
      rmSync(passwordFile);
      const hba = join(data, 'pg_hba.conf');
      // `hostssl`: a TCP connection without TLS finds no rule and is refused.
      writeFileSync(hba, readFileSync(hba, 'utf8').replace(/^host(\s)/gm, 'hostssl$1'));
    }
    this.child = spawn(
      'runuser',
      [
        '-u',
        OWNER,
        '--',
        join(BIN, 'postgres'),
        '-D',
        data,
        '-p',
        String(this.port),
        '-k',
        this.dir,
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'ssl=on',
        '-c',
        `ssl_cert_file=${cert}`,
        '-c',
        `ssl_key_file=${key}`,
        '-c',
        'fsync=off',
        '-c',
        'max_connections=100',
        '-c',
        'shared_buffers=32MB',
      ],
      { stdio: 'ignore' },
    );
    const child = this.child;
    this.exited = new Promise((resolve) => child.once('exit', resolve));
    await waitFor(() => ready(this.dir, this.port), 30_000, 'the private PostgreSQL to take connections');
  }

  /** A database (`postgres` by default) as a client over TLS must reach it: by the host name its certificate is for. */
  url(host = 'localhost', database = 'postgres'): string {
    const login = this.options.password ? `postgres:${encodeURIComponent(this.options.password)}` : 'postgres';
    return `postgres://${login}@${host}:${this.port}/${database}?sslmode=verify-full`;
  }

  async dispose(): Promise<void> {
    // runuser does not pass a signal on to the server: pg_ctl stops it by its pid file.
    if (this.child) asOwner(['pg_ctl', 'stop', '-D', join(this.dir, 'data'), '-m', 'fast', '-s']);
    await this.exited;
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function asOwner(command: string[]): void {
  execFileSync('runuser', ['-u', OWNER, '--', join(BIN, command[0]), ...command.slice(1)], { stdio: 'ignore' });
}

async function ready(socketDir: string, port: number): Promise<boolean> {
  try {
    execFileSync(join(BIN, 'pg_isready'), ['-q', '-h', socketDir, '-p', String(port)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
