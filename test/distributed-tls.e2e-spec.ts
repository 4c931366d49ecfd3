import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectAsync, MqttClient } from 'mqtt';
import { PrivateKafka, PrivateMosquitto, PrivatePostgres, SseRecorder, TlsFixtures, waitFor } from '@app/testing';
import { DistributedHarness, TOKEN } from '@app/testing/distributed.harness';

/**
 * Distributed mode with every hop secured: ingest on Mosquitto over mqtts with
 * a client certificate, every app on Kafka over SASL_SSL with a SCRAM login,
 * and on PostgreSQL over verify-full with a password; passwords from files.
 * Brokers and database are the spec's own, with certificates made for the run.
 */
describe('distributed mode with TLS and authentication on every hop', () => {
  const fixtures = new TlsFixtures();
  const server = (name: string, hosts: string[]) => fixtures.issue({ name, commonName: hosts[0], hosts });
  const ingestCertificate = fixtures.issue({ name: 'ingest', commonName: 'zone-ingest' });
  const mosquitto = new PrivateMosquitto({
    tls: {
      ...(({ certPath, keyPath }) => ({ certPath, keyPath }))(server('mosquitto', ['localhost', '127.0.0.1'])),
      caPath: fixtures.ca.certPath,
      requireClientCertificate: true,
    },
  });
  const kafkaPassword = 'zone-kafka-secret';
  const kafka = new PrivateKafka({ fixtures, server: server('kafka', ['localhost']), scramUsers: { zone: kafkaPassword } });
  const postgres = new PrivatePostgres({ server: server('postgres', ['localhost']), password: 'zone-db-secret' });
  let sut: DistributedHarness;
  const stream = new SseRecorder();
  let device: MqttClient;

  beforeAll(async () => {
    await Promise.all([mosquitto.start(), kafka.start(), postgres.start()]);
    const kafkaPasswordFile = join(fixtures.dir, 'kafka-password');
    writeFileSync(kafkaPasswordFile, `${kafkaPassword}\n`, { mode: 0o600 });
    sut = new DistributedHarness(
      {
        TIMELINE_SECONDS: '30,60,90',
        MQTT_URL: mosquitto.tlsUrl,
        MQTT_CA: fixtures.ca.certPath,
        MQTT_CERT: ingestCertificate.certPath,
        MQTT_KEY: ingestCertificate.keyPath,
        INGEST_MQTT_CONNECTIONS: '2',
        KAFKA_BROKERS: kafka.saslSslBrokers,
        KAFKA_SSL: 'true',
        KAFKA_CA: fixtures.ca.certPath,
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'zone',
        KAFKA_SASL_PASSWORD_FILE: kafkaPasswordFile,
      },
      { adminUrl: postgres.url('localhost'), caPath: fixtures.ca.certPath, ca: fixtures.ca.cert },
    );
    await sut.createDatabase();
    await sut.start('command-center');
    await Promise.all([sut.start('ingest'), sut.start('risk-engine'), sut.start('dispatch')]);
    await stream.open(sut.url('command-center', '/api/stream'), { authorization: `Bearer ${TOKEN}` });
    device = await connectAsync(mosquitto.tlsUrl, {
      protocolVersion: 5,
      clientId: `device-sim-${sut.run}`,
      ca: fixtures.ca.cert,
      cert: ingestCertificate.cert,
      key: ingestCertificate.key,
      rejectUnauthorized: true,
    });
  }, 240_000);

  afterAll(async () => {
    await device?.endAsync();
    await stream.close();
    await sut?.stopAll();
    await Promise.all([mosquitto.dispose(), kafka.dispose(), postgres.dispose()]);
    fixtures.dispose();
  }, 60_000);

  it('reports every dependency up in every process', async () => {
    for (const name of ['ingest', 'risk-engine', 'dispatch', 'command-center']) {
      const health = await fetch(sut.url(name, '/health')).then((r) => r.json() as Promise<{ checks: Record<string, { status: string }> }>);
      expect([name, health.checks]).toEqual([
        name,
        expect.objectContaining({ database: expect.objectContaining({ status: 'up' }), bus: expect.objectContaining({ status: 'up' }) }),
      ]);
    }
  });

  it('carries a fire from mqtts to an incident, every hop over TLS', async () => {
    const enterpriseId = 'E0001';
    const [{ id: deviceId }] = await sut.query<{ id: string }>(
      `SELECT id FROM devices WHERE enterprise_id = $1 AND type = 'smoke_detector' ORDER BY id LIMIT 1`,
      [enterpriseId],
    );
    await device.publishAsync(
      `sites/${enterpriseId}/devices/${deviceId}/telemetry`,
      JSON.stringify({ ts: Date.now(), readings: { smoke: true, temperature: 75 } }),
      { qos: 1 },
    );
    const opened = await waitFor(
      () => stream.ofType('incident.opened').find((e) => e.data.enterpriseId === enterpriseId),
      30_000,
      'incident.opened on the live stream',
    );
    const incidents = await sut.query<{ id: string }>(`SELECT id FROM incidents WHERE enterprise_id = $1`, [enterpriseId]);
    expect(incidents.map((i) => i.id)).toEqual([opened.data.incidentId]);
    // Every connection of the apps to PostgreSQL is TLS (the harness's own too).
    const plain = await sut.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) WHERE a.datname = $1 AND NOT s.ssl`,
      [sut.database],
    );
    expect(plain).toEqual([{ n: 0 }]);
  });

  it('stops an app whose Kafka password is wrong, saying so', async () => {
    const wrongPasswordFile = join(fixtures.dir, 'wrong-kafka-password');
    writeFileSync(wrongPasswordFile, 'not-the-password\n', { mode: 0o600 });
    await expect(sut.start('risk-engine', 'risk-engine-wrong-password', { KAFKA_SASL_PASSWORD_FILE: wrongPasswordFile })).rejects.toThrow(
      /exited during start/,
    );
    expect(readFileSync(join(sut.logDir, 'risk-engine-wrong-password.log'), 'utf8')).toMatch(
      /SASL SCRAM SHA512 authentication failed.*invalid credentials/,
    );
  });
});
