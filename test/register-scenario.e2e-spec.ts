import { join } from 'node:path';
import { connectAsync, MqttClient } from 'mqtt';
import { IncidentView } from '@app/contracts';
import { waitFor } from '@app/testing';
import { AllInOneHarness } from '@app/testing/all-in-one.harness';
import { DistributedHarness, MQTT_URL, TOKEN } from '@app/testing/distributed.harness';
import { AllInOneModule } from '@app/all-in-one';

/**
 * Issue 14, done when: the hand-written sample register (deploy/zone-sample, not generated) loaded at first start;
 * a device added through the API publishes a fire that becomes an incident at the right substation; the device
 * retired is refused; a substation taken out of service is passed over; the audit shows each step.
 */
const SAMPLE = join(__dirname, '..', 'deploy', 'zone-sample');
/** YK-E04 lies in the area of YK-S2 (East); YK-E03 too, with its own smoke detector YK-E03-D01. */
const NEW_DEVICE = { id: 'YK-E04-D09', enterpriseId: 'YK-E04', type: 'smoke_detector', reportIntervalS: 30 };

type Api = <T = any>(path: string, init?: RequestInit) => Promise<{ status: number; body: T }>;

interface AuditItem {
  action: string;
  entity: string;
  entityId: string;
  actor: { tokenId: string | null; name: string; role: string };
  before: any;
  after: any;
  correlationId: string;
}

const fireOf = (enterpriseId: string, deviceId: string) => ({
  topic: `sites/${enterpriseId}/devices/${deviceId}/telemetry`,
  payload: JSON.stringify({ ts: Date.now(), readings: { smoke: true, temperature: 80 } }),
});

const openIncident = (api: Api, enterpriseId: string) =>
  waitFor(
    async () => (await api<IncidentView[]>(`/api/incidents?status=open&enterpriseId=${enterpriseId}`)).body[0],
    10_000,
    `an open incident for ${enterpriseId}`,
  );

const auditOf = async (api: Api, entity: string, entityId: string) => {
  const res = await api<{ items: AuditItem[] }>(`/api/audit?entity=${entity}&entityId=${encodeURIComponent(entityId)}`);
  expect(res.status).toBe(200);
  return res.body.items;
};

const loadsTheSample = async (api: Api) => {
  const enterprises = await api('/api/enterprises?limit=100');
  expect(enterprises.body.total).toBe(6);
  expect((await api<{ id: string }[]>('/api/substations')).body.map((s) => s.id).sort()).toEqual(['YK-S1', 'YK-S2', 'YK-S3']);
  for (const e of enterprises.body.items) expect(['blue', 'yellow', 'orange', 'red']).toContain(e.grade);
};

const addsTheDevice = async (api: Api) => {
  const created = await api('/api/devices', { method: 'POST', body: JSON.stringify(NEW_DEVICE) });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ ...NEW_DEVICE, status: 'active' });
  const [record] = await auditOf(api, 'device', NEW_DEVICE.id);
  expect(record).toMatchObject({ entityId: NEW_DEVICE.id, before: null, after: expect.objectContaining({ type: 'smoke_detector' }) });
};

const retiresTheDevice = async (api: Api) => {
  const retired = await api(`/api/devices/${NEW_DEVICE.id}`, { method: 'PATCH', body: JSON.stringify({ status: 'retired' }) });
  expect(retired.status).toBe(200);
  expect(retired.body).toMatchObject({ id: NEW_DEVICE.id, status: 'retired' });
};

const takesYkS2OutOfService = async (api: Api) => {
  const out = await api('/api/substations/YK-S2/availability', {
    method: 'PUT',
    body: JSON.stringify({ available: false, reason: 'pump truck in the workshop' }),
  });
  expect(out.status).toBe(200);
  expect(out.body).toMatchObject({ id: 'YK-S2', available: false });
};

/** The audit shows each step in order, each by the operator who made it. */
const auditShowsEachStep = async (api: Api, expected: { entity: string; entityId: string; actions: string[] }[]) => {
  for (const { entity, entityId, actions } of expected) {
    const items = await auditOf(api, entity, entityId);
    expect(
      items
        .map((i) => i.action)
        .slice()
        .sort(),
    ).toEqual(actions.slice().sort());
    for (const i of items) {
      expect(i.actor.role).toBe('operator');
      expect(i.correlationId).toEqual(expect.any(String));
    }
  }
  const device = await auditOf(api, 'device', NEW_DEVICE.id);
  const retire = device.find((i) => i.after?.status === 'retired');
  expect(retire?.before).toMatchObject({ status: 'active' });
  const availability = (await auditOf(api, 'substation', 'YK-S2'))[0];
  expect(availability.before).toMatchObject({ available: true });
  expect(availability.after).toMatchObject({ available: false, reason: 'pump truck in the workshop' });
};

describe('the register scenario, embedded (npm start on a hand-written ZONE_FILE, device auth on)', () => {
  const sut = new AllInOneHarness(AllInOneModule, { ZONE_FILE: SAMPLE, MQTT_DEVICE_AUTH: 'required' });
  const api: Api = (path, init) => sut.api(path, init);
  const clients: MqttClient[] = [];
  let password = '';
  const connectAs = async (username: string, secret: string) => {
    const client = await connectAsync(`mqtt://127.0.0.1:${sut.mqttPort}`, {
      protocolVersion: 4,
      reconnectPeriod: 0,
      username,
      password: secret,
    });
    clients.push(client);
    return client;
  };

  beforeAll(() => sut.start());
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
    await sut.dispose();
  });

  it('loads the sample register', () => loadsTheSample(api));

  it('a device added through the API logs in with its issued secret and its fire is an incident at YK-S2', async () => {
    await addsTheDevice(api);
    const credentials = await api<{ password: string }>(`/api/devices/${NEW_DEVICE.id}/credentials`, { method: 'POST' });
    expect(credentials.status).toBe(201);
    password = credentials.body.password;
    const device = await connectAs(NEW_DEVICE.id, password);
    const fire = fireOf(NEW_DEVICE.enterpriseId, NEW_DEVICE.id);
    await device.publishAsync(fire.topic, fire.payload, { qos: 1 });
    const incident = await openIncident(api, NEW_DEVICE.enterpriseId);
    expect(incident).toMatchObject({ substationId: 'YK-S2', assignmentReason: 'home-area', grade: 'red' });
    await device.endAsync();
  });

  it('the device retired through the API is refused at the MQTT edge', async () => {
    await retiresTheDevice(api);
    await waitFor(
      async () => {
        try {
          const client = await connectAs(NEW_DEVICE.id, password);
          await client.endAsync(true);
          return undefined;
        } catch (error) {
          return error;
        }
      },
      1000,
      'the retired device refused at connect',
    );
  });

  it('YK-S2 taken out of service is passed over: the next fire of its area goes to another substation', async () => {
    await takesYkS2OutOfService(api);
    const device = await connectAs('YK-E03-D01', (await api(`/api/devices/YK-E03-D01/credentials`, { method: 'POST' })).body.password);
    const fire = fireOf('YK-E03', 'YK-E03-D01');
    await device.publishAsync(fire.topic, fire.payload, { qos: 1 });
    const incident = await openIncident(api, 'YK-E03');
    expect(incident.substationId).not.toBe('YK-S2');
    expect(incident.assignmentReason).toBe('home-unavailable-nearest');
  });

  it('the audit shows each step', () =>
    auditShowsEachStep(api, [
      { entity: 'device', entityId: NEW_DEVICE.id, actions: ['device.create', 'device.credentials.issue', 'device.update'] },
      { entity: 'device', entityId: 'YK-E03-D01', actions: ['device.credentials.issue'] },
      { entity: 'substation', entityId: 'YK-S2', actions: ['substation.availability'] },
    ]));
});

describe('the register scenario, distributed (four processes on Mosquitto, Kafka and PostgreSQL, ZONE_FILE)', () => {
  const sut = new DistributedHarness({ ZONE_FILE: SAMPLE });
  let device: MqttClient;
  const api: Api = async (path, init = {}) => {
    const res = await fetch(sut.url('command-center', path), {
      ...init,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const deadLetters = async (deviceId: string, reason: string) =>
    (await api<unknown[]>(`/api/dead-letters?deviceId=${encodeURIComponent(deviceId)}&reason=${reason}`)).body.length;
  const readings = async (deviceId: string) => (await api<{ points: unknown[] }>(`/api/devices/${deviceId}/readings`)).body.points.length;
  const publish = (enterpriseId: string, deviceId: string) => {
    const fire = fireOf(enterpriseId, deviceId);
    return device.publishAsync(fire.topic, fire.payload, { qos: 1 });
  };

  beforeAll(async () => {
    await sut.createDatabase();
    // The command center first: it creates the schema and loads ZONE_FILE before the others read the register.
    await sut.start('command-center');
    await Promise.all([sut.start('ingest'), sut.start('risk-engine'), sut.start('dispatch')]);
    device = await connectAsync(MQTT_URL, { protocolVersion: 5, clientId: `device-sim-scenario-${sut.run}` });
    // The pipeline is up (Kafka groups joined): a plain reading of a sample device is stored.
    await waitFor(
      async () => {
        if ((await readings('YK-E01-D03')) > 0) return true;
        await device.publishAsync(
          'sites/YK-E01/devices/YK-E01-D03/telemetry',
          JSON.stringify({ ts: Date.now(), readings: { cable_temperature: 24 } }),
          { qos: 1 },
        );
        return undefined;
      },
      60_000,
      'the pipeline warm',
    );
  }, 180_000);

  afterAll(async () => {
    await device?.endAsync();
    await sut.stopAll();
    await sut.dropDatabase();
  });

  it('loads the sample register', () => loadsTheSample(api));

  it('a device added through the command center publishes a fire that becomes an incident at YK-S2', async () => {
    await addsTheDevice(api);
    // The ingest process learns of the device over zone.v1 within the second; until then it would be unknown-device.
    await waitFor(
      async () => {
        const open = (await api<IncidentView[]>(`/api/incidents?status=open&enterpriseId=${NEW_DEVICE.enterpriseId}`)).body;
        if (open.length > 0) return open[0];
        await publish(NEW_DEVICE.enterpriseId, NEW_DEVICE.id);
        await new Promise((resolve) => setTimeout(resolve, 200));
        return undefined;
      },
      10_000,
      'an incident of the new device',
    );
    const incident = await openIncident(api, NEW_DEVICE.enterpriseId);
    expect(incident).toMatchObject({ substationId: 'YK-S2', assignmentReason: 'home-area', grade: 'red' });
  });

  it('the device retired through the command center is refused by ingest as retired-device', async () => {
    await retiresTheDevice(api);
    await waitFor(
      async () => {
        if ((await deadLetters(NEW_DEVICE.id, 'retired-device')) > 0) return true;
        await publish(NEW_DEVICE.enterpriseId, NEW_DEVICE.id);
        await new Promise((resolve) => setTimeout(resolve, 100));
        return undefined;
      },
      5000,
      'a retired-device dead letter',
    );
  });

  it('YK-S2 taken out of service is passed over by the dispatch process', async () => {
    await takesYkS2OutOfService(api);
    // Within the second the dispatch process has it; the fire is published after that second.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await publish('YK-E03', 'YK-E03-D01');
    const incident = await openIncident(api, 'YK-E03');
    expect(incident.substationId).not.toBe('YK-S2');
    expect(incident.assignmentReason).toBe('home-unavailable-nearest');
  });

  it('the audit shows each step', () =>
    auditShowsEachStep(api, [
      { entity: 'device', entityId: NEW_DEVICE.id, actions: ['device.create', 'device.update'] },
      { entity: 'substation', entityId: 'YK-S2', actions: ['substation.availability'] },
    ]));
});
