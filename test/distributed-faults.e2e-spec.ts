import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { connectAsync, IClientOptions, MqttClient } from 'mqtt';
import { PrivateKafka, PrivateMosquitto, PrivatePostgres, TlsFixtures, waitFor } from '@app/testing';
import { DistributedHarness, MQTT_URL } from '@app/testing/distributed.harness';

const KAFKA_SCRIPT = join(__dirname, '..', 'deploy', 'kafka', 'kafka.sh');

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

interface Stream {
  expectedRows: number;
  keys: Set<string>;
}

/**
 * Publishes `perDevice` readings from each device at a steady pace, calling
 * `midway` once a third of them is out, with a fire (smoke) from `fireDevice`
 * half-way through.
 */
async function publishStream(
  client: MqttClient,
  devices: Array<{ id: string; enterpriseId: string; type: string }>,
  perDevice: number,
  fireDevice: { id: string; enterpriseId: string },
  midway: () => Promise<void>,
): Promise<Stream> {
  const keys = new Set<string>();
  let expectedRows = 0;
  const start = Date.now() - 60_000;
  const total = devices.length * perDevice;
  let sent = 0;
  for (let i = 0; i < perDevice; i++) {
    for (const d of devices) {
      const ts = start + i * 1000 + devices.indexOf(d);
      const readings: Record<string, number | boolean> =
        d.type === 'smoke_detector' ? { smoke: false, temperature: 20 + (i % 5) } : { temperature: 21 + (i % 3) };
      await client.publishAsync(`sites/${d.enterpriseId}/devices/${d.id}/telemetry`, JSON.stringify({ ts, seq: i + 1, readings }), {
        qos: 1,
      });
      keys.add(`${d.id}@${ts}`);
      expectedRows += Object.keys(readings).length;
      sent++;
      if (sent === Math.floor(total / 3)) await midway();
      if (sent === Math.floor(total / 2)) {
        await client.publishAsync(
          `sites/${fireDevice.enterpriseId}/devices/${fireDevice.id}/telemetry`,
          JSON.stringify({ ts: Date.now(), readings: { smoke: true } }),
          { qos: 1 },
        );
      }
      if (sent % 50 === 0) await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { expectedRows, keys };
}

/** Where the apps run: the machine's services in plaintext, or services of the spec's own with TLS and a login on every hop. */
interface Stack {
  start(): Promise<void>;
  harness(): DistributedHarness;
  device(run: string): Promise<MqttClient>;
  /** Stops the Kafka broker, checks it is down, and starts it again. */
  restartKafka(): Promise<void>;
  dispose(): Promise<void>;
}

function plaintextStack(): Stack {
  return {
    async start() {},
    harness: () => new DistributedHarness({ TIMELINE_SECONDS: '60,180,300' }),
    device: (run) => connectAsync(MQTT_URL, { protocolVersion: 5, clientId: `fault-sim-${run}` }),
    async restartKafka() {
      execFileSync('bash', [KAFKA_SCRIPT, 'stop'], { stdio: 'inherit' });
      expect(await listening(9092)).toBe(false);
      await new Promise((r) => setTimeout(r, 2000));
      execFileSync('bash', [KAFKA_SCRIPT, 'start'], { stdio: 'inherit' });
    },
    async dispose() {},
  };
}

/** Mosquitto over mqtts with client certificates, Kafka over SASL_SSL with SCRAM, PostgreSQL over verify-full: as test/distributed-tls.e2e-spec.ts. */
function tlsStack(): Stack {
  const fixtures = new TlsFixtures();
  const server = (name: string, hosts: string[]) => fixtures.issue({ name, commonName: hosts[0], hosts });
  const client = fixtures.issue({ name: 'client', commonName: 'zone-ingest' });
  const broker = server('mosquitto', ['localhost', '127.0.0.1']);
  const mosquitto = new PrivateMosquitto({
    tls: { certPath: broker.certPath, keyPath: broker.keyPath, caPath: fixtures.ca.certPath, requireClientCertificate: true },
  });
  const kafkaPassword = 'zone-kafka-secret';
  const kafka = new PrivateKafka({ fixtures, server: server('kafka', ['localhost']), scramUsers: { zone: kafkaPassword } });
  const postgres = new PrivatePostgres({ server: server('postgres', ['localhost']), password: 'zone-db-secret' });
  const tls: IClientOptions = { ca: fixtures.ca.cert, cert: client.cert, key: client.key, rejectUnauthorized: true };
  return {
    async start() {
      await Promise.all([mosquitto.start(), kafka.start(), postgres.start()]);
    },
    harness() {
      const passwordFile = join(fixtures.dir, 'kafka-password');
      writeFileSync(passwordFile, `${kafkaPassword}\n`, { mode: 0o600 });
      return new DistributedHarness(
        {
          TIMELINE_SECONDS: '60,180,300',
          MQTT_URL: mosquitto.tlsUrl,
          MQTT_CA: fixtures.ca.certPath,
          MQTT_CERT: client.certPath,
          MQTT_KEY: client.keyPath,
          KAFKA_BROKERS: kafka.saslSslBrokers,
          KAFKA_SSL: 'true',
          KAFKA_CA: fixtures.ca.certPath,
          KAFKA_SASL_MECHANISM: 'scram-sha-512',
          KAFKA_SASL_USERNAME: 'zone',
          KAFKA_SASL_PASSWORD_FILE: passwordFile,
        },
        { adminUrl: postgres.url('localhost'), caPath: fixtures.ca.certPath, ca: fixtures.ca.cert },
      );
    },
    device: (run) => connectAsync(mosquitto.tlsUrl, { protocolVersion: 5, clientId: `fault-sim-${run}`, ...tls }),
    async restartKafka() {
      await kafka.restart(async () => {
        expect(await listening(kafka.saslSslPort)).toBe(false);
        await new Promise((r) => setTimeout(r, 2000));
      });
    },
    async dispose() {
      await Promise.all([mosquitto.dispose(), kafka.dispose(), postgres.dispose()]);
      fixtures.dispose();
    },
  };
}

describe.each([
  ['in plaintext', plaintextStack],
  ['with TLS and authentication on every hop', tlsStack],
])('distributed mode under faults, %s: nothing lost, nothing duplicated', (_, makeStack) => {
  const stack = makeStack();
  let sut: DistributedHarness;
  let client: MqttClient;

  beforeAll(async () => {
    await stack.start();
    sut = stack.harness();
    await sut.createDatabase();
    await sut.start('command-center');
    await Promise.all([sut.start('ingest'), sut.start('risk-engine', 'risk'), sut.start('dispatch')]);
    client = await stack.device(sut.run);
  }, 240_000);

  afterAll(async () => {
    await client?.endAsync();
    await sut?.stopAll();
    await sut?.dropDatabase();
    await stack.dispose();
  }, 60_000);

  const devicesOf = (enterprises: string[]) =>
    sut.query<{ id: string; enterpriseId: string; type: string }>(
      `SELECT id, enterprise_id AS "enterpriseId", type FROM devices WHERE enterprise_id = ANY($1::text[]) AND type IN ('smoke_detector', 'heat_detector') ORDER BY id`,
      [enterprises],
    );

  const expectStoredExactlyOnce = async (devices: Array<{ id: string }>, stream: Stream) => {
    const ids = devices.map((d) => d.id);
    const rows = await waitFor(
      async () => {
        const [{ n }] = await sut.query<{ n: number }>(`SELECT count(*)::int AS n FROM readings WHERE device_id = ANY($1::text[])`, [ids]);
        return n >= stream.expectedRows ? n : undefined;
      },
      90_000,
      `${stream.expectedRows} reading rows`,
    );
    expect(rows).toBe(stream.expectedRows);
    const stored = await sut.query<{ device_id: string; ts: Date }>(
      `SELECT DISTINCT device_id, ts FROM readings WHERE device_id = ANY($1::text[])`,
      [ids],
    );
    expect(new Set(stored.map((r) => `${r.device_id}@${r.ts.getTime()}`))).toEqual(stream.keys);
  };

  it('stores every reading exactly once and opens exactly one incident per fire when the risk engine is killed with SIGKILL mid-stream', async () => {
    const devices = await devicesOf(['E0005', 'E0006', 'E0007']);
    const [fire] = (await devicesOf(['E0008'])).filter((d) => d.type === 'smoke_detector');
    const stream = await publishStream(client, devices, 20, fire, async () => {
      await sut.kill('risk', 'SIGKILL');
      await sut.start('risk-engine', 'risk');
    });
    await expectStoredExactlyOnce(devices, stream);
    const incidents = await waitFor(
      async () => {
        const rows = await sut.query(`SELECT id FROM incidents WHERE enterprise_id = 'E0008'`);
        return rows.length > 0 ? rows : undefined;
      },
      30_000,
      'the incident of the fire',
    );
    await new Promise((r) => setTimeout(r, 2000));
    expect(await sut.query(`SELECT id FROM incidents WHERE enterprise_id = 'E0008'`)).toHaveLength(incidents.length);
    expect(incidents).toHaveLength(1);
  }, 180_000);

  it('loses nothing when ingest is killed with SIGKILL mid-stream: unacknowledged messages come again from the broker', async () => {
    const devices = await devicesOf(['E0013', 'E0014', 'E0015']);
    const [fire] = (await devicesOf(['E0016'])).filter((d) => d.type === 'smoke_detector');
    const stream = await publishStream(client, devices, 20, fire, async () => {
      await sut.kill('ingest', 'SIGKILL');
      await new Promise((r) => setTimeout(r, 1000));
      await sut.start('ingest');
    });
    await expectStoredExactlyOnce(devices, stream);
    await waitFor(
      async () => (await sut.query(`SELECT id FROM incidents WHERE enterprise_id = 'E0016'`)).length === 1,
      30_000,
      'the incident of the fire',
    );
  }, 180_000);

  it('loses nothing when the Kafka broker restarts mid-stream', async () => {
    const devices = await devicesOf(['E0009', 'E0010', 'E0011']);
    const [fire] = (await devicesOf(['E0012'])).filter((d) => d.type === 'smoke_detector');
    const stream = await publishStream(client, devices, 20, fire, () => stack.restartKafka());
    await expectStoredExactlyOnce(devices, stream);
    await waitFor(
      async () => (await sut.query(`SELECT id FROM incidents WHERE enterprise_id = 'E0012'`)).length === 1,
      60_000,
      'the incident of the fire after the restart',
    );
    const health = await fetch(sut.url('ingest', '/health')).then((r) => r.json() as Promise<any>);
    expect(health.checks.bus.status).toBe('up');
  }, 180_000);
});
