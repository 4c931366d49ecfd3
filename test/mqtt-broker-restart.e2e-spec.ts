import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { connectAsync, MqttClient } from 'mqtt';
import { PrivateMosquitto, waitFor } from '@app/testing';
import { DistributedHarness } from '@app/testing/distributed.harness';

const ROOT = join(__dirname, '..');
mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });

/**
 * The MQTT broker restarts under the running system: devices and ingest
 * reconnect by themselves. Restarted cleanly, the broker keeps ingest's
 * persistent session and what was queued for it, and what devices queued
 * while it was down arrives once they reconnect; restarted with its state
 * gone, ingest subscribes again and what devices publish afterwards flows as
 * before. (Mosquitto 2.0 restores a persisted session without its shared
 * subscription: ingest subscribes again on every connect, and until it has,
 * the broker drops device messages for it — hence ingest reconnects fast.)
 */
describe('distributed mode across MQTT broker restarts', () => {
  const broker = new PrivateMosquitto({ persistence: true, logFile: join(ROOT, 'test-artifacts', 'mosquitto-restart.log') });
  const env: Record<string, string> = {};
  const sut = new DistributedHarness(env);
  let device: MqttClient;
  let devices: Array<{ id: string; enterpriseId: string }>;

  beforeAll(async () => {
    await broker.start();
    env.MQTT_URL = broker.url;
    await sut.createDatabase();
    await Promise.all([sut.start('ingest'), sut.start('risk-engine', 'risk'), sut.start('dispatch')]);
    // Devices back off for seconds before reconnecting; ingest comes back within a quarter of a second.
    device = await connectAsync(broker.url, {
      protocolVersion: 5,
      clientId: `restart-sim-${sut.run}`,
      clean: false,
      properties: { sessionExpiryInterval: 3600 },
      reconnectPeriod: 2000,
    });
    devices = await sut.query(
      `SELECT id, enterprise_id AS "enterpriseId" FROM devices WHERE enterprise_id IN ('E0005', 'E0006') AND type IN ('smoke_detector', 'heat_detector') ORDER BY id`,
    );
  }, 180_000);

  afterAll(async () => {
    device?.end(true);
    await sut.stopAll();
    await broker.dispose();
    await sut.dropDatabase();
  });

  const base = Date.now() - 300_000;
  let round = 0;
  /** One reading from every device, acknowledged by the broker; returns the (device, ts) keys. */
  async function publishRound(): Promise<string[]> {
    const r = round++;
    return Promise.all(
      devices.map(async (d, n) => {
        const ts = base + r * 1000 + n;
        await device.publishAsync(
          `sites/${d.enterpriseId}/devices/${d.id}/telemetry`,
          JSON.stringify({ ts, readings: { temperature: 21 } }),
          { qos: 1 },
        );
        return `${d.id}@${ts}`;
      }),
    );
  }
  async function expectStored(keys: string[]): Promise<void> {
    const ids = devices.map((d) => d.id);
    const want = new Set(keys);
    let missing: string[] = [];
    await waitFor(
      async () => {
        const rows = await sut.query<{ device_id: string; ts: Date }>(
          `SELECT device_id, ts FROM readings WHERE device_id = ANY($1::text[])`,
          [ids],
        );
        const have = new Set(rows.map((row) => `${row.device_id}@${row.ts.getTime()}`));
        missing = [...want].filter((k) => !have.has(k));
        return missing.length === 0 || undefined;
      },
      30_000,
      `${want.size} readings stored`,
    ).catch(async (e: Error) => {
      const dead = await sut.query(`SELECT reason, detail FROM dead_letters ORDER BY received_at DESC LIMIT 3`).catch(() => []);
      const metrics = await fetch(sut.url('ingest', '/metrics'))
        .then((r) => r.text())
        .catch(() => '');
      throw new Error(
        `${e.message}; missing ${missing.length}: ${missing.join(' ')}; dead letters ${JSON.stringify(dead)}; ${metrics
          .split('\n')
          .filter((l) => l.startsWith('zone_mqtt_messages_total') || l.startsWith('zone_readings_accepted'))
          .join(' ')}`,
      );
    });
  }
  const ingestHealth = async () => ((await (await fetch(sut.url('ingest', '/health'))).json()) as any).checks.mqttIngest.status as string;

  it('loses nothing across a clean restart: sessions and queued messages survive, everyone reconnects', async () => {
    const before = await publishRound();
    await expectStored(before);
    // Ingest is stopped from taking messages while the broker is down: what devices publish meanwhile waits in their own queue.
    await broker.stop('SIGTERM');
    await waitFor(async () => (await ingestHealth()) === 'down' || undefined, 10_000, 'ingest to notice the broker is gone');
    const offline = publishRound(); // mqtt.js holds these until it is connected again
    await new Promise((r) => setTimeout(r, 1000));
    await broker.start();
    const during = await offline;
    const after = await publishRound();
    await expectStored([...before, ...during, ...after]);
    await waitFor(async () => (await ingestHealth()) === 'up' || undefined, 10_000, 'ingest to report the broker up again');
  });

  it('subscribes again when the broker comes back without any state, and what devices publish afterwards flows as before', async () => {
    await broker.stop('SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    await broker.start();
    await waitFor(async () => (await ingestHealth()) === 'up' || undefined, 15_000, 'ingest to reconnect');
    await waitFor(() => device.connected || undefined, 15_000, 'the device to reconnect');
    // The shared subscription was lost with the broker's state: ingest must have made it again.
    await new Promise((r) => setTimeout(r, 1000));
    const after = await publishRound();
    await expectStored(after);
  });
});
