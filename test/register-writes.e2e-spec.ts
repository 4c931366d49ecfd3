import { MqttClient } from 'mqtt';
import { waitFor } from '@app/testing';
import { AllInOneHarness } from '@app/testing/all-in-one.harness';
import { AllInOneModule } from '@app/all-in-one';

interface AuditItem {
  action: string;
  entity: string;
  entityId: string;
  before: unknown;
  after: unknown;
}

/** Single register rows created and changed through the API: checked as an import is, audited, live at once. */
describe('register writes in the all-in-one', () => {
  const sut = new AllInOneHarness(AllInOneModule, { SEED_ENTERPRISES: '20' });
  let device: MqttClient;
  let viewer: string;
  const run = Date.now().toString(36).toUpperCase();
  const S = `WS-${run}`;
  const E = `WE-${run}`;
  const D = `WD-${run}`;
  const C = `WC-${run}`;
  const substation = {
    id: S,
    name: 'West',
    location: { lat: 10.5, lon: 10.5 },
    area: { minLat: 10, minLon: 10, maxLat: 11, maxLon: 11 },
    capacity: 2,
  };
  const enterprise = { id: E, name: 'West Works', industry: 'textiles', location: { lat: 10.4, lon: 10.4 }, substationId: S };
  const newDevice = { id: D, enterpriseId: E, type: 'smoke_detector', reportIntervalS: 30 };

  beforeAll(async () => {
    await sut.start();
    device = await sut.device();
    viewer = (await sut.api('/api/tokens', { method: 'POST', body: JSON.stringify({ role: 'viewer', name: 'register viewer' }) })).body
      .token;
  });

  afterAll(async () => {
    await device?.endAsync();
    await sut.dispose();
  });

  const send = (method: 'POST' | 'PATCH', path: string, body: unknown, token?: string) =>
    sut.api(path, { method, body: JSON.stringify(body), token });
  const audit = async (entity: string, entityId: string) =>
    (await sut.api<{ items: AuditItem[] }>(`/api/audit?entity=${entity}&entityId=${entityId}`)).body.items;
  const deadLetters = async (deviceId: string, reason: string) =>
    (await sut.api<{ reason: string }[]>(`/api/dead-letters?deviceId=${deviceId}&reason=${reason}`)).body;

  it('creates a substation, an enterprise in its area and a device, which publishes at once', async () => {
    const s = await send('POST', '/api/substations', substation);
    expect(s.status).toBe(201);
    expect(s.body).toEqual({ ...substation, status: 'active' });
    const e = await send('POST', '/api/enterprises', enterprise);
    expect(e.status).toBe(201);
    expect(e.body).toMatchObject({ ...enterprise, address: '', status: 'active', hazards: { threeInOne: false }, indicators: {} });
    const d = await send('POST', '/api/devices', newDevice);
    expect(d.status).toBe(201);
    expect(d.body).toEqual({ ...newDevice, status: 'active' });

    await device.publishAsync(
      `sites/${E}/devices/${D}/telemetry`,
      JSON.stringify({ ts: Date.now(), readings: { smoke: false, temperature: 21 } }),
      {
        qos: 1,
      },
    );
    await waitFor(async () => (await sut.api(`/api/devices/${D}/readings`)).body.points?.[0], 5000, 'the reading stored');
    expect(await deadLetters(D, 'unknown-device')).toEqual([]);
    expect((await sut.api(`/api/enterprises/${E}`)).body.grade).toBe('blue');

    const [record] = await audit('device', D);
    expect(record).toMatchObject({ action: 'device.create', before: null, after: { ...newDevice, status: 'active' } });
    expect(await audit('substation', S)).toHaveLength(1);
    expect(await audit('enterprise', E)).toHaveLength(1);
  });

  it('regrades an enterprise whose hazards are patched, merging the hazards field by field', async () => {
    const before = (await sut.api(`/api/enterprises/${E}`)).body.grade;
    const patched = await send('PATCH', `/api/enterprises/${E}`, {
      hazards: { threeInOne: true, fireLaneBlocked: true, noSprinklers: true },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'West Works', hazards: { threeInOne: true, fireLaneBlocked: true, multiTenant: false } });
    await waitFor(async () => (await sut.api(`/api/enterprises/${E}`)).body.grade !== before || undefined, 3000, 'a new grade');
    const records = (await audit('enterprise', E)).filter((r) => r.action === 'enterprise.update');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ before: { hazards: { threeInOne: false } }, after: { hazards: { threeInOne: true } } });
  });

  it('creates a contact and changes it', async () => {
    const contact = { id: C, name: 'Li Wei', role: 'duty', substationId: S };
    expect((await send('POST', '/api/contacts', contact)).status).toBe(201);
    const changed = await send('PATCH', `/api/contacts/${C}`, { phone: '+86 1' });
    expect(changed).toMatchObject({ status: 200, body: { ...contact, phone: '+86 1', email: '', enterpriseId: null, status: 'active' } });
    expect((await audit('contact', C)).map((r) => r.action).sort()).toEqual(['contact.create', 'contact.update']);
  });

  it('retires a contact: kept in the register and its export as retired, audited', async () => {
    const retired = await send('PATCH', `/api/contacts/${C}`, { status: 'retired' });
    expect(retired).toMatchObject({ status: 200, body: { id: C, name: 'Li Wei', status: 'retired' } });
    const exported = await sut.api<{ contacts: { id: string; status: string }[] }>('/api/zone/export?format=json&kind=contacts');
    expect(exported.body.contacts.find((c) => c.id === C)).toMatchObject({ status: 'retired' });
    const updates = (await audit('contact', C)).filter((r) => r.action === 'contact.update');
    expect(updates.map((r) => [(r.before as { status: string }).status, (r.after as { status: string }).status])).toContainEqual([
      'active',
      'retired',
    ]);
    expect((await send('PATCH', `/api/contacts/${C}`, { status: 'gone' })).status).toBe(400);
  });

  it('retires a device: its messages are refused as retired-device', async () => {
    const retired = await send('PATCH', `/api/devices/${D}`, { status: 'retired' });
    expect(retired).toMatchObject({ status: 200, body: { id: D, status: 'retired', type: 'smoke_detector' } });
    await device.publishAsync(`sites/${E}/devices/${D}/status`, JSON.stringify({ online: true, ts: Date.now() }), { qos: 1 });
    await waitFor(async () => (await deadLetters(D, 'retired-device')).length > 0 || undefined, 2000, 'retired-device');
    const update = (await audit('device', D)).find((r) => r.action === 'device.update');
    expect(update).toMatchObject({ before: { status: 'active' }, after: { status: 'retired' } });
  });

  it.each([
    ['substations', 'substation', (n: number) => ({ ...substation, id: `${S}-R`, name: `Race ${n}` })],
    ['enterprises', 'enterprise', (n: number) => ({ ...enterprise, id: `${E}-R`, name: `Race ${n}` })],
    ['devices', 'device', (n: number) => ({ ...newDevice, id: `${D}-R`, reportIntervalS: 10 + n })],
    ['contacts', 'contact', (n: number) => ({ id: `${C}-R`, name: `Race ${n}`, role: 'duty', substationId: S })],
  ] as const)('of simultaneous POSTs of one new %s id, exactly one creates it and the others get 409', async (kind, entity, body) => {
    const answers = await Promise.all([1, 2, 3, 4].map((n) => send('POST', `/api/${kind}`, body(n))));
    const won = answers.filter((a) => a.status === 201);
    expect(won).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409).map((a) => a.body.code)).toEqual(['ALREADY_EXISTS', 'ALREADY_EXISTS', 'ALREADY_EXISTS']);
    const id = body(1).id;
    const exported = await sut.api<Record<string, { id: string }[]>>(`/api/zone/export?format=json&kind=${kind}`);
    expect(exported.body[kind].find((r) => r.id === id)).toEqual(won[0].body);
    const records = await audit(entity, id);
    expect(records.map((r) => [r.action, r.after])).toEqual([[`${entity}.create`, won[0].body]]);
  });

  it.each([
    [
      'a wrong type',
      'POST',
      '/api/devices',
      { ...newDevice, id: `${D}-2`, reportIntervalS: 'often' },
      400,
      'VALIDATION_FAILED',
      'reportIntervalS',
    ],
    ['an unknown device type', 'POST', '/api/devices', { ...newDevice, id: `${D}-2`, type: 'toaster' }, 400, 'VALIDATION_FAILED', 'type'],
    ['an unknown field', 'PATCH', `/api/devices/${D}`, { colour: 'red' }, 400, 'VALIDATION_FAILED', 'colour'],
    ['an id that differs from the path', 'PATCH', `/api/devices/${D}`, { id: 'OTHER' }, 400, 'ID_MISMATCH', 'id'],
    [
      'an unknown substation',
      'POST',
      '/api/enterprises',
      { ...enterprise, id: `${E}-2`, substationId: 'S-NONE' },
      422,
      'REGISTER_INVALID',
      'substationId',
    ],
    ['a location outside every area', 'PATCH', `/api/enterprises/${E}`, { location: { lat: -60 } }, 422, 'REGISTER_INVALID', 'location'],
    [
      'an unknown indicator code',
      'PATCH',
      `/api/enterprises/${E}`,
      { indicators: { no_such_code: 1 } },
      422,
      'REGISTER_INVALID',
      'indicators.no_such_code',
    ],
    ['an unknown enterprise', 'PATCH', `/api/devices/${D}`, { enterpriseId: 'E-NONE' }, 422, 'REGISTER_INVALID', 'enterpriseId'],
    ['a duplicate id', 'POST', '/api/substations', substation, 409, 'ALREADY_EXISTS', null],
    ['an unknown id', 'PATCH', '/api/contacts/NO-SUCH', { name: 'x' }, 404, 'NOT_FOUND', null],
  ] as const)('refuses %s, naming the field, and writes nothing', async (_, method, path, body, status, code, field) => {
    const countBefore = (await sut.api('/api/audit')).body.items.length;
    const res = await send(method, path, body);
    expect(res.status).toBe(status);
    expect(res.body.code).toBe(code);
    if (field) expect(res.body.details).toContainEqual(expect.objectContaining({ path: field }));
    expect((await sut.api('/api/audit')).body.items.length).toBe(countBefore);
  });

  it('refuses a viewer (403) and no token (401)', async () => {
    expect((await send('POST', '/api/substations', { ...substation, id: `${S}-V` }, viewer)).status).toBe(403);
    expect((await send('PATCH', `/api/enterprises/${E}`, { name: 'x' }, viewer)).status).toBe(403);
    expect((await sut.api(`/api/devices/${D}`, { method: 'PATCH', body: '{}', token: null })).status).toBe(401);
  });
});
