import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isIP } from 'node:net';

/** A PEM certificate and its unencrypted key, as files and as text. */
export interface IssuedCertificate {
  certPath: string;
  keyPath: string;
  cert: string;
  key: string;
}

export interface CertificateRequest {
  /** File names in the fixtures' folder: `<name>.pem`, `<name>.key`. */
  name: string;
  commonName: string;
  /** Host names and IP addresses the certificate is valid for (subjectAltName); none for a client certificate. */
  hosts?: string[];
}

/**
 * A throwaway certificate authority in a temp folder, made with openssl at
 * test time, that issues server and client certificates; `otherAuthority()`
 * is one a client must refuse. EC P-256 keys: quick to make on a slow machine.
 */
export class TlsFixtures {
  readonly dir = mkdtempSync(join(tmpdir(), 'zone-tls-'));
  readonly ca: IssuedCertificate;

  constructor(caName = 'ca') {
    this.ca = this.selfSigned(caName, `zone test CA ${caName}`);
  }

  /** A different authority whose CA certificate did not sign anything the servers present. */
  otherAuthority(): IssuedCertificate {
    return this.selfSigned('other-ca', 'zone test CA (not the servers)');
  }

  issue({ name, commonName, hosts = [] }: CertificateRequest): IssuedCertificate {
    const keyPath = join(this.dir, `${name}.key`);
    const csrPath = join(this.dir, `${name}.csr`);
    const certPath = join(this.dir, `${name}.pem`);
    const extPath = join(this.dir, `${name}.ext`);
    openssl([
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      csrPath,
      '-subj',
      `/CN=${commonName}`,
    ]);
    const altNames = hosts.map((h) => (isIP(h) ? `IP:${h}` : `DNS:${h}`));
    writeFileSync(
      extPath,
      [
        'basicConstraints=critical,CA:FALSE',
        'keyUsage=critical,digitalSignature,keyEncipherment',
        `extendedKeyUsage=${hosts.length > 0 ? 'serverAuth,clientAuth' : 'clientAuth'}`,
        ...(altNames.length > 0 ? [`subjectAltName=${altNames.join(',')}`] : []),
      ].join('\n') + '\n',
    );
    openssl([
      'x509',
      '-req',
      '-in',
      csrPath,
      '-CA',
      this.ca.certPath,
      '-CAkey',
      this.ca.keyPath,
      '-CAcreateserial',
      '-days',
      '2',
      '-sha256',
      '-extfile',
      extPath,
      '-out',
      certPath,
    ]);
    return read(certPath, keyPath);
  }

  /** A PKCS#12 keystore of a certificate, its key and the CA chain (for Java servers such as Kafka). */
  pkcs12(certificate: IssuedCertificate, password: string): string {
    const path = certificate.certPath.replace(/\.pem$/, '.p12');
    openssl([
      'pkcs12',
      '-export',
      '-in',
      certificate.certPath,
      '-inkey',
      certificate.keyPath,
      '-certfile',
      this.ca.certPath,
      '-name',
      'server',
      '-passout',
      `pass:${password}`,
      '-out',
      path,
    ]);
    return path;
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private selfSigned(name: string, commonName: string): IssuedCertificate {
    const keyPath = join(this.dir, `${name}.key`);
    const certPath = join(this.dir, `${name}.pem`);
    openssl([
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-sha256',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-subj',
      `/CN=${commonName}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    return read(certPath, keyPath);
  }
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function read(certPath: string, keyPath: string): IssuedCertificate {
  return { certPath, keyPath, cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
}
