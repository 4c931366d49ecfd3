import { MqttClient } from 'mqtt';
import { IncidentView } from '@app/contracts';
import { waitFor } from '@app/testing';
import { AllInOneHarness } from '@app/testing/all-in-one.harness';
import { AllInOneModule } from '@app/all-in-one';

/** An import through the API is live at once: a device imported now publishes now. */
describe('a register import is live in the all-in-one', () => {
  const sut = new AllInOneHarness(AllInOneModule, { SEED_ENTERPRISES: '20', MQTT_DEVICE_AUTH: 'off' });
  let device: MqttClient;
  let enterprise: { id: string; substationId: string };

  beforeAll(async () => {
    await sut.start();
    device = await sut.device();
    const { body } = await sut.api<{ items: { id: string; substationId: string }[] }>('/api/enterprises?limit=200');
    enterprise = body.items[0];
  });

  afterAll(async () => {
    await device?.endAsync();
    await sut.dispose();
  });

  const importDevices = (devices: object[]) => sut.api('/api/zone/import', { method: 'POST', body: JSON.stringify({ devices }) });
  const smoke = (deviceId: string, enterpriseId = enterprise.id) =>
    device.publishAsync(
      `sites/${enterpriseId}/devices/${deviceId}/telemetry`,
      JSON.stringify({ ts: Date.now(), readings: { smoke: true, temperature: 75 } }),
      { qos: 1 },
    );
  const deadLetters = async (deviceId: string, reason: string) =>
    (await sut.api<{ reason: string }[]>(`/api/dead-letters?deviceId=${deviceId}&reason=${reason}`)).body;

  const newDevice = { id: `IMP-${Date.now()}`, type: 'smoke_detector', reportIntervalS: 30 };

  it('a device imported now publishes a smoke alarm at once: accepted, and an incident opens at its substation', async () => {
    const id = newDevice.id;
    const imported = await importDevices([{ ...newDevice, enterpriseId: enterprise.id }]);
    const answeredAt = performance.now();
    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({ applied: true, created: { devices: 1 }, errors: [] });

    await smoke(id); // at once, as a device switched on with its registration would
    const publishedAfter = performance.now() - answeredAt;
    const reading = await waitFor(
      async () => (await sut.api<{ points: unknown[] }>(`/api/devices/${id}/readings`)).body.points[0],
      5000,
      'the reading stored',
    );
    const delay = performance.now() - answeredAt;
    console.log(
      `imported device live in ${delay.toFixed(1)} ms (embedded: import answered → its first reading stored; published after ${publishedAfter.toFixed(1)} ms)`,
    );
    expect(reading).toBeDefined();
    expect(publishedAfter).toBeLessThan(1000);
    expect(await deadLetters(id, 'unknown-device')).toEqual([]);
    const incident = await waitFor(
      async () => (await sut.api<IncidentView[]>(`/api/incidents?status=open&enterpriseId=${enterprise.id}`)).body[0],
      5000,
      'an open incident for the imported device',
    );
    expect(incident.substationId).toBe(enterprise.substationId);
  });

  it('the same device imported as retired is refused as retired-device within the second; its neighbour still works', async () => {
    const id = newDevice.id;
    const neighbour = (await sut.api(`/api/enterprises/${enterprise.id}`)).body.devices.find(
      (d: { id: string; type: string }) => d.id !== id && d.type === 'smoke_detector',
    ).id as string;
    const retired = await importDevices([{ ...newDevice, enterpriseId: enterprise.id, status: 'retired' }]);
    const answeredAt = performance.now();
    expect(retired.status).toBe(200);
    expect(retired.body).toMatchObject({ applied: true, updated: { devices: 1 }, errors: [] });

    await smoke(id);
    await device.publishAsync(`sites/${enterprise.id}/devices/${id}/status`, JSON.stringify({ online: true, ts: Date.now() }), { qos: 1 });
    const refused = await waitFor(
      async () => {
        const letters = await deadLetters(id, 'retired-device');
        return letters.length >= 2 ? letters : undefined;
      },
      1000,
      'both messages dead-lettered as retired-device',
    );
    const delay = performance.now() - answeredAt;
    console.log(`retired device refused in ${delay.toFixed(1)} ms (embedded: import answered → its telemetry and status dead-lettered)`);
    expect(refused).toHaveLength(2);
    expect(await deadLetters(id, 'unknown-device')).toEqual([]);

    const before = (await sut.api<{ points: unknown[] }>(`/api/devices/${neighbour}/readings`)).body.points.length;
    await smoke(neighbour);
    await waitFor(
      async () => (await sut.api<{ points: unknown[] }>(`/api/devices/${neighbour}/readings`)).body.points.length > before || undefined,
      5000,
      "the neighbour's reading stored",
    );
    expect(await deadLetters(neighbour, 'retired-device')).toEqual([]);
  });

  it('an enterprise imported as retired takes its devices with it: their readings become retired-device dead letters', async () => {
    const { body } = await sut.api<{ items: { id: string }[] }>('/api/enterprises?limit=200');
    const other = body.items.find((e) => e.id !== enterprise.id)!.id;
    const { body: detail } = await sut.api(`/api/enterprises/${other}`);
    const detector = detail.devices[0].id as string;
    const exported = (await sut.api('/api/zone/export?kind=enterprises')).body.enterprises.find((e: { id: string }) => e.id === other);
    const retired = await sut.api('/api/zone/import', {
      method: 'POST',
      body: JSON.stringify({ enterprises: [{ ...exported, status: 'retired' }] }),
    });
    const answeredAt = performance.now();
    expect(retired.body).toMatchObject({ applied: true, updated: { enterprises: 1, devices: 0 } });
    await device.publishAsync(`sites/${other}/devices/${detector}/status`, JSON.stringify({ online: true, ts: Date.now() }), { qos: 1 });
    await waitFor(async () => (await deadLetters(detector, 'retired-device')).length === 1 || undefined, 1000, 'retired-device');
    console.log(`retired enterprise's device refused in ${(performance.now() - answeredAt).toFixed(1)} ms (embedded)`);
  });
});
