import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A certificate and its key, as PEM and as the files the variables (MQTT_TLS_CERT, …) point to. */
export interface TestCertificate {
  certFile: string;
  keyFile: string;
  cert: string;
  key: string;
  /** SHA-256 of the DER certificate, lower-case hex: what PUT /api/devices/{id}/certificate registers. */
  fingerprint: string;
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/**
 * A certificate authority made with openssl for one test file, in a directory of its own: a server certificate
 * for 127.0.0.1 and localhost, client certificates with a CN of choice, valid now or expired. `openssl ca`
 * signs them, since it is the openssl 3.0 command that takes validity dates in the past.
 */
export class TestCertificateAuthority {
  readonly dir: string;
  readonly certFile: string;
  readonly cert: string;
  private readonly config: string;
  private issued = 0;

  constructor(readonly name: string) {
    this.dir = mkdtempSync(join(tmpdir(), `zone-ca-${name}-`));
    mkdirSync(join(this.dir, 'new'));
    writeFileSync(join(this.dir, 'index.txt'), '');
    writeFileSync(join(this.dir, 'serial'), '1000\n');
    this.config = join(this.dir, 'ca.cnf');
    writeFileSync(
      this.config,
      [
        '[ca]',
        'default_ca = test_ca',
        '[test_ca]',
        `database = ${join(this.dir, 'index.txt')}`,
        `new_certs_dir = ${join(this.dir, 'new')}`,
        `serial = ${join(this.dir, 'serial')}`,
        'default_md = sha256',
        'policy = any_name',
        'unique_subject = no',
        '[any_name]',
        'commonName = supplied',
        '[server]',
        'basicConstraints = CA:FALSE',
        'extendedKeyUsage = serverAuth',
        'subjectAltName = IP:127.0.0.1,DNS:localhost',
        '[client]',
        'basicConstraints = CA:FALSE',
        'extendedKeyUsage = clientAuth',
        '',
      ].join('\n'),
    );
    this.certFile = join(this.dir, 'ca.crt');
    openssl('req', '-x509', ...EC_KEY, '-keyout', join(this.dir, 'ca.key'), '-out', this.certFile, '-subj', `/CN=${name}`, '-days', '2');
    this.cert = readFileSync(this.certFile, 'utf8');
  }

  /** For the broker or the command center: valid for 127.0.0.1 and localhost. */
  server(): TestCertificate {
    return this.issue('localhost', 'server', false);
  }

  /** For a device: its CN is the device id; `expired` makes one whose validity ended yesterday. */
  client(commonName: string, { expired = false } = {}): TestCertificate {
    return this.issue(commonName, 'client', expired);
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private issue(commonName: string, extensions: 'server' | 'client', expired: boolean): TestCertificate {
    const base = join(this.dir, `${++this.issued}`);
    const [certFile, keyFile] = [`${base}.crt`, `${base}.key`];
    openssl('req', '-new', ...EC_KEY, '-keyout', keyFile, '-out', `${base}.csr`, '-subj', `/CN=${commonName}`);
    const validity = expired ? ['-startdate', utcTime(-3), '-enddate', utcTime(-1)] : ['-startdate', utcTime(-1), '-enddate', utcTime(2)];
    openssl(
      'ca',
      '-batch',
      '-notext',
      '-config',
      this.config,
      '-extensions',
      extensions,
      '-cert',
      this.certFile,
      '-keyfile',
      join(this.dir, 'ca.key'),
      '-in',
      `${base}.csr`,
      '-out',
      certFile,
      ...validity,
    );
    const cert = readFileSync(certFile, 'utf8');
    return {
      certFile,
      keyFile,
      cert,
      key: readFileSync(keyFile, 'utf8'),
      fingerprint: new X509Certificate(cert).fingerprint256.replaceAll(':', '').toLowerCase(),
    };
  }
}

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** openssl's YYYYMMDDHHMMSSZ, `days` from now. */
function utcTime(days: number): string {
  return `${new Date(Date.now() + days * 86_400_000).toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}
