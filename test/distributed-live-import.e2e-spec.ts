import { connectAsync, MqttClient } from 'mqtt';
import { waitFor } from '@app/testing';
import { DistributedHarness, MQTT_URL, TOKEN } from '@app/testing/distributed.harness';

/**
 * A register import through the command center process is used by the separate ingest process within the second
 * (zone.v1 on Kafka): a device imported now is accepted, the same device imported as retired is refused.
 */
describe('distributed mode: a register import is live in ingest', () => {
  const sut = new DistributedHarness({ SEED_ENTERPRISES: '20' });
  let device: MqttClient;
  let enterprise: { id: string; neighbour: string };
  const newDevice = { id: `DIMP-${Date.now()}`, type: 'smoke_detector', reportIntervalS: 30 };

  const api = async <T = any>(path: string, init: RequestInit = {}) => {
    const res = await fetch(sut.url('command-center', path), {
      ...init,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  const importDevices = (devices: object[]) => api('/api/zone/import', { method: 'POST', body: JSON.stringify({ devices }) });
  const smoke = (deviceId: string) =>
    device.publishAsync(
      `sites/${enterprise.id}/devices/${deviceId}/telemetry`,
      JSON.stringify({ ts: Date.now(), readings: { smoke: true, temperature: 75 } }),
      { qos: 1 },
    );
  const readings = async (deviceId: string) => (await api<{ points: unknown[] }>(`/api/devices/${deviceId}/readings`)).body.points.length;
  const deadLetters = async (deviceId: string, reason: string) =>
    (await api<unknown[]>(`/api/dead-letters?deviceId=${encodeURIComponent(deviceId)}&reason=${reason}`)).body.length;
  /** Publishes every 50 ms until `done` holds: the time from the import's answer to the first message that shows the change. */
  const until = async (answeredAt: number, deviceId: string, done: () => Promise<boolean>, what: string) => {
    let sent = 0;
    await waitFor(
      async () => {
        if (await done()) return true;
        await smoke(deviceId);
        sent++;
        await new Promise((resolve) => setTimeout(resolve, 50));
        return undefined;
      },
      5000,
      what,
    );
    return { delay: performance.now() - answeredAt, sent };
  };

  beforeAll(async () => {
    await sut.createDatabase();
    await sut.start('command-center');
    await Promise.all([sut.start('ingest'), sut.start('risk-engine'), sut.start('dispatch')]);
    device = await connectAsync(MQTT_URL, { protocolVersion: 5, clientId: `device-sim-import-${sut.run}` });
    const [row] = await sut.query<{ id: string; neighbour: string }>(
      `SELECT e.id, min(d.id) AS neighbour FROM enterprises e JOIN devices d ON d.enterprise_id = e.id
       WHERE d.type = 'smoke_detector' GROUP BY e.id ORDER BY e.id LIMIT 1`,
    );
    enterprise = row;
    // The pipeline is up (Kafka groups joined) before the import: a reading of the neighbour is stored.
    const before = await readings(enterprise.neighbour);
    await until(performance.now(), enterprise.neighbour, async () => (await readings(enterprise.neighbour)) > before, 'the pipeline warm');
  }, 180_000);

  afterAll(async () => {
    await device?.endAsync();
    await sut.stopAll();
    await sut.dropDatabase();
  });

  it('a device imported through the command center is accepted by ingest within 1 s; imported as retired, refused as retired-device within 1 s', async () => {
    const imported = await importDevices([{ ...newDevice, enterpriseId: enterprise.id }]);
    const importedAt = performance.now();
    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({ applied: true, created: { devices: 1 } });
    const live = await until(
      importedAt,
      newDevice.id,
      async () => (await readings(newDevice.id)) > 0,
      'a reading of the new device stored',
    );
    const early = await deadLetters(newDevice.id, 'unknown-device');
    console.log(
      `distributed: imported device accepted ${live.delay.toFixed(0)} ms after the import's answer (stored, ${live.sent} sent, ${early} refused as unknown before the notice)`,
    );
    expect(live.delay).toBeLessThan(1000);

    const retired = await importDevices([{ ...newDevice, enterpriseId: enterprise.id, status: 'retired' }]);
    const retiredAt = performance.now();
    expect(retired.body).toMatchObject({ applied: true, updated: { devices: 1 } });
    const refused = await until(
      retiredAt,
      newDevice.id,
      async () => (await deadLetters(newDevice.id, 'retired-device')) > 0,
      'retired-device',
    );
    console.log(`distributed: retired device refused ${refused.delay.toFixed(0)} ms after the import's answer (${refused.sent} sent)`);
    expect(refused.delay).toBeLessThan(1000);

    const before = await readings(enterprise.neighbour);
    await until(
      performance.now(),
      enterprise.neighbour,
      async () => (await readings(enterprise.neighbour)) > before,
      "the neighbour's reading",
    );
    expect(await deadLetters(enterprise.neighbour, 'retired-device')).toBe(0);
  });
});
