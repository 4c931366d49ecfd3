import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port';
import type { IssuedCertificate, TlsFixtures } from './tls-fixtures';

const KAFKA_SH = join(__dirname, '../../../deploy/kafka/kafka.sh');
const run = promisify(execFile);

export interface PrivateKafkaOptions {
  fixtures: TlsFixtures;
  /** The certificate the SASL_SSL listener presents; it must be for `localhost`, the name the listener advertises. */
  server: IssuedCertificate;
  /** SCRAM users (SHA-256 and SHA-512) and their passwords. */
  scramUsers: Record<string, string>;
}

/**
 * A Kafka broker of its own (deploy/kafka/kafka.sh with its own state folder
 * and free ports) beside the shared one on 9092, with a SASL_SSL listener:
 * SCRAM logins over TLS. Its plaintext listener is for the broker itself.
 */
export class PrivateKafka {
  readonly dir = mkdtempSync(join(tmpdir(), 'zone-kafka-'));
  private env: NodeJS.ProcessEnv = {};
  saslSslPort = 0;

  constructor(private readonly options: PrivateKafkaOptions) {}

  async start(): Promise<void> {
    const keystorePassword = 'zone-test-keystore';
    this.saslSslPort = await freePort();
    this.env = {
      ...process.env,
      KAFKA_STATE_DIR: this.dir,
      KAFKA_PORT: String(await freePort()),
      KAFKA_CONTROLLER_PORT: String(await freePort()),
      KAFKA_SASL_SSL_PORT: String(this.saslSslPort),
      KAFKA_SSL_KEYSTORE: this.options.fixtures.pkcs12(this.options.server, keystorePassword),
      KAFKA_SSL_KEYSTORE_PASSWORD: keystorePassword,
      KAFKA_SCRAM_USERS: Object.entries(this.options.scramUsers)
        .map(([name, password]) => `${name}=${password}`)
        .join(' '),
    };
    await run('bash', [KAFKA_SH, 'start'], { env: this.env });
  }

  /** Stops the broker and, after `whileDown`, starts it again on the same ports with the same data: a broker restart. */
  async restart(whileDown: () => Promise<void> = async () => undefined): Promise<void> {
    await run('bash', [KAFKA_SH, 'stop'], { env: this.env });
    await whileDown();
    await run('bash', [KAFKA_SH, 'start'], { env: this.env });
  }

  /** KAFKA_BROKERS for the SASL_SSL listener. */
  get saslSslBrokers(): string {
    return `localhost:${this.saslSslPort}`;
  }

  async dispose(): Promise<void> {
    await run('bash', [KAFKA_SH, 'stop'], { env: this.env });
    rmSync(this.dir, { recursive: true, force: true });
  }
}
