import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { PrivateKafka, TlsFixtures, waitFor } from '@app/testing';
import type { BusMessage } from './bus';
import { KafkaBus, type KafkaBusOptions } from './kafka-bus';
import { kafkaConnectionOptions } from './kafka-connection-options';

/** KafkaBus on a broker of the spec's own that takes SCRAM logins over TLS only, certificates made for this run. */
describe('KafkaBus over SASL_SSL with SCRAM', () => {
  const fixtures = new TlsFixtures();
  const kafka = new PrivateKafka({
    fixtures,
    server: fixtures.issue({ name: 'kafka', commonName: 'localhost', hosts: ['localhost'] }),
    scramUsers: { zone: 'zone-secret' },
  });
  const run = randomUUID().slice(0, 8);
  const topic = `tls-${run}.v1`;
  const buses: KafkaBus[] = [];

  const options = (overrides: Partial<KafkaBusOptions> = {}): KafkaBusOptions => ({
    brokers: [kafka.saslSslBrokers],
    clientId: `tls-${run}`,
    topics: [topic, `${topic}.dlq`],
    partitions: 2,
    replicationFactor: 1,
    deadLetterTopic: `${topic}.dlq`,
    ssl: { ca: fixtures.ca.cert, clientCertificate: undefined },
    sasl: { mechanism: 'scram-sha-256', username: 'zone', password: 'zone-secret' },
    ...overrides,
  });

  beforeAll(() => kafka.start(), 120_000);
  afterAll(async () => {
    await Promise.all(buses.map((b) => b.close()));
    await kafka.dispose();
    fixtures.dispose();
  }, 60_000);

  it.each(['scram-sha-256', 'scram-sha-512'] as const)('publishes and consumes logged in with %s', async (mechanism) => {
    const bus = new KafkaBus(options({ sasl: { mechanism, username: 'zone', password: 'zone-secret' } }));
    buses.push(bus);
    await bus.connect();
    const seen: BusMessage<{ n: number }>[] = [];
    await bus.subscribe<{ n: number }>(topic, `g-${mechanism}-${run}`, async (batch) => void seen.push(...batch));
    await bus.publish(topic, [{ key: 'dev-1', value: { n: 1 } }]);
    await waitFor(() => seen.some((m) => m.value.n === 1), 30_000, 'the message back over SASL_SSL');
  });

  it('is refused with a wrong password, saying so', async () => {
    const bus = new KafkaBus(options({ sasl: { mechanism: 'scram-sha-256', username: 'zone', password: 'wrong' } }));
    await expect(bus.connect()).rejects.toThrow(/SASL SCRAM SHA256 authentication failed.*invalid credentials/);
  });

  // A plain kafkajs client with the bus's connection options: the bus itself retries a failed connection for minutes.
  it('refuses brokers whose certificate another CA signed', async () => {
    const admin = new Kafka({
      brokers: [kafka.saslSslBrokers],
      ...kafkaConnectionOptions({ ssl: { ca: fixtures.otherAuthority().cert, clientCertificate: undefined }, sasl: options().sasl }),
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
    }).admin();
    await expect(admin.connect()).rejects.toThrow(/self-signed certificate in certificate chain/);
  });
});
