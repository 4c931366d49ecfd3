import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import type { IssuedCertificate } from './tls-fixtures';
import { waitFor } from './wait-for';

const BIN = process.env.POSTGRES_BIN_DIR ?? '/usr/lib/postgresql/15/bin';
/** PostgreSQL refuses to run as root: the cluster belongs to this user. */
const OWNER = 'postgres';

/**
 * A PostgreSQL cluster of its own in a temp folder, on a free port on
 * 127.0.0.1, with TLS on (`ssl=on`) by a certificate given at start;
 * trust authentication, so the client proves nothing but the server does.
 */
export class PrivatePostgres {
  readonly dir = mkdtempSync(join(tmpdir(), 'zone-postgres-'));
  port = 0;
  private child: ChildProcess | null = null;
  private exited: Promise<unknown> = Promise.resolve();

  constructor(private readonly server: IssuedCertificate) {}

  async start(): Promise<void> {
    this.port = await freePort();
    const data = join(this.dir, 'data');
    const cert = join(this.dir, 'server.pem');
    const key = join(this.dir, 'server.key');
    copyFileSync(this.server.certPath, cert);
    copyFileSync(this.server.keyPath, key);
    // The server refuses a key others can read; the folder's owner must be the one running it.
    chmodSync(key, 0o600);
    execFileSync('chown', ['-R', `${OWNER}:${OWNER}`, this.dir]);
    asOwner(['initdb', '-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
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

  /** The `postgres` database as a client over TLS must reach it: by the host name its certificate is for. */
  url(host = 'localhost'): string {
    return `postgres://postgres@${host}:${this.port}/postgres?sslmode=verify-full`;
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
