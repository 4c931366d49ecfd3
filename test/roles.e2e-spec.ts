import { MqttClient } from 'mqtt';
import { IncidentView } from '@app/contracts';
import { waitFor } from '@app/testing';
import { AllInOneHarness } from '@app/testing/all-in-one.harness';
import { AllInOneModule } from '@app/all-in-one';

/**
 * Who may do what: operator (everything), substation (its own incidents), viewer (read only), inspector (reads,
 * records inspections), enterprise (its own enterprise only).
 */
describe('roles on every write endpoint', () => {
  const sut = new AllInOneHarness(AllInOneModule);
  let device: MqttClient;
  let incident: IncidentView;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    await sut.start();
    device = await sut.device();
    const { body } = await sut.api('/api/enterprises/E0005');
    const detector = body.devices.find((d: { type: string }) => d.type === 'smoke_detector' || d.type === 'gas_detector');
    const readings = detector.type === 'smoke_detector' ? { smoke: true } : { gas_lel: 60 };
    await device.publishAsync(`sites/E0005/devices/${detector.id}/telemetry`, JSON.stringify({ ts: Date.now(), readings }), { qos: 1 });
    incident = await waitFor(
      async () => (await sut.api<IncidentView[]>('/api/incidents?status=open&enterpriseId=E0005')).body[0],
      5000,
      'an incident',
    );
    const other = incident.substationId === 'S1' ? 'S2' : 'S1';
    for (const [key, body] of Object.entries({
      viewer: { role: 'viewer', name: 'duty viewer' },
      own: { role: 'substation', name: 'station chief', substationId: incident.substationId },
      other: { role: 'substation', name: 'other chief', substationId: other },
      inspector: { role: 'inspector', name: 'inspector' },
      ownEnterprise: { role: 'enterprise', name: 'E0005 safety manager', enterpriseId: 'E0005' },
      otherEnterprise: { role: 'enterprise', name: 'E0002 safety manager', enterpriseId: 'E0002' },
    })) {
      const res = await sut.api('/api/tokens', { method: 'POST', body: JSON.stringify(body) });
      expect(res.status).toBe(201);
      tokens[key] = res.body.token;
    }
  });

  afterAll(async () => {
    await device?.endAsync();
    await sut.dispose();
  });

  const post = (path: string, token: string | null, body: unknown = {}) =>
    sut.api(path, { method: 'POST', body: JSON.stringify(body), token });

  it.each(['acknowledge', 'arrive', 'resolve'])('refuses %s without a token (401) and to a viewer (403)', async (action) => {
    expect((await post(`/api/incidents/${incident.id}/${action}`, null)).status).toBe(401);
    expect((await post(`/api/incidents/${incident.id}/${action}`, 'not-a-real-token-at-all')).status).toBe(401);
    expect((await post(`/api/incidents/${incident.id}/${action}`, tokens.viewer)).status).toBe(403);
  });

  it.each<[string, unknown]>([
    ['acknowledge', {}],
    ['comments', { text: 'x' }],
    ['assign', { to: 'x' }],
  ])(
    'lets only an operator handle an alarm (%s): 401 without a token, 403 for a viewer or a substation, even its own',
    async (action, body) => {
      const alarmId = incident.alarmIds[0];
      expect((await post(`/api/alarms/${alarmId}/${action}`, null, body)).status).toBe(401);
      for (const token of [tokens.viewer, tokens.own, tokens.other]) {
        const res = await post(`/api/alarms/${alarmId}/${action}`, token, body);
        expect(res.status).toBe(403);
        expect(res.body).toMatchObject({ statusCode: 403, code: expect.any(String) });
      }
      expect((await sut.api(`/api/alarms/${alarmId}`, { token: tokens.viewer })).body).toMatchObject({
        acknowledgedAt: null,
        assignee: null,
        comments: [],
      });
    },
  );

  it('lets only an operator issue tokens', async () => {
    const body = { role: 'viewer', name: 'x' };
    expect((await post('/api/tokens', null, body)).status).toBe(401);
    expect((await post('/api/tokens', tokens.viewer, body)).status).toBe(403);
    expect((await post('/api/tokens', tokens.own, body)).status).toBe(403);
    expect((await post('/api/tokens', undefined as never, { role: 'substation', name: 'no station' })).status).toBe(400);
    expect((await post('/api/tokens', undefined as never, { role: 'substation', name: 'ghost', substationId: 'S99' })).status).toBe(400);
  });

  it('lets only an operator issue device credentials; an unknown device is a 404', async () => {
    const { body: enterprise } = await sut.api('/api/enterprises/E0002');
    const path = `/api/devices/${enterprise.devices[0].id}/credentials`;
    expect((await post(path, null)).status).toBe(401);
    expect((await post(path, tokens.viewer)).status).toBe(403);
    expect((await post(path, tokens.own)).status).toBe(403);
    const issued = await post(path, undefined as never);
    expect(issued).toEqual({
      status: 201,
      body: { deviceId: enterprise.devices[0].id, username: enterprise.devices[0].id, password: expect.any(String) },
    });
    const unknown = await post('/api/devices/E0999-D99/credentials', undefined as never);
    expect(unknown).toEqual({
      status: 404,
      body: { statusCode: 404, error: 'Not Found', code: 'NOT_FOUND', message: 'device E0999-D99 not found' },
    });
  });

  it('lets only an operator read the audit log, list tokens and revoke them; an unknown token is a 404', async () => {
    for (const path of ['/api/audit', '/api/tokens']) {
      expect((await sut.api(path, { token: null })).status).toBe(401);
      expect((await sut.api(path, { token: tokens.viewer })).status).toBe(403);
      expect((await sut.api(path, { token: tokens.own })).status).toBe(403);
      expect((await sut.api(path)).status).toBe(200);
    }
    const { body: doomed } = await post('/api/tokens', undefined as never, { role: 'viewer', name: 'to be revoked' });
    const revoke = (id: string, token: string | null | undefined) => sut.api(`/api/tokens/${id}`, { method: 'DELETE', token });
    expect((await revoke(doomed.id, null)).status).toBe(401);
    expect((await revoke(doomed.id, tokens.viewer)).status).toBe(403);
    expect((await revoke(doomed.id, tokens.own)).status).toBe(403);
    expect((await revoke('no-such-token', undefined)).status).toBe(404);
    expect((await revoke(doomed.id, undefined)).status).toBe(200);
  });

  it("keeps inspector and enterprise tokens off incidents and alarm handling, and an enterprise off another's alarms", async () => {
    const [alarmId] = incident.alarmIds;
    for (const token of [tokens.inspector, tokens.ownEnterprise]) {
      for (const action of ['acknowledge', 'arrive', 'resolve'])
        expect((await post(`/api/incidents/${incident.id}/${action}`, token)).status).toBe(403);
      expect((await post(`/api/alarms/${alarmId}/acknowledge`, token)).status).toBe(403);
    }
    expect((await sut.api(`/api/incidents/${incident.id}`, { token: tokens.inspector })).status).toBe(200);
    expect((await sut.api(`/api/incidents/${incident.id}`, { token: tokens.ownEnterprise })).body.code).toBe('ENTERPRISE_TOKEN_REFUSED');
    expect((await sut.api(`/api/alarms/${alarmId}`, { token: tokens.ownEnterprise })).status).toBe(200);
    const refused = await sut.api(`/api/alarms/${alarmId}`, { token: tokens.otherEnterprise });
    expect(refused).toMatchObject({ status: 403, body: { code: 'OTHER_ENTERPRISE' } });
    const listed = await sut.api<Array<{ enterpriseId: string }>>('/api/alarms', { token: tokens.otherEnterprise });
    expect(listed.body.every((a) => a.enterpriseId === 'E0002')).toBe(true);
  });

  it('lets a viewer read', async () => {
    expect((await sut.api(`/api/incidents/${incident.id}`, { token: tokens.viewer })).status).toBe(200);
    expect((await sut.api('/api/substations', { token: tokens.viewer })).status).toBe(200);
  });

  it('lets a substation act on its own incidents only', async () => {
    const wrong = await post(`/api/incidents/${incident.id}/acknowledge`, tokens.other);
    expect(wrong.status).toBe(403);
    expect(wrong.body.code).toBe('WRONG_SUBSTATION');
    const ack = await post(`/api/incidents/${incident.id}/acknowledge`, tokens.own);
    expect(ack.status).toBe(200);
    expect(ack.body.milestones[0]).toMatchObject({ at: expect.any(String), by: `station chief@${incident.substationId}` });
    // A substation cannot pose as another one through the body.
    const posing = await post(`/api/incidents/${incident.id}/arrive`, tokens.other, { substationId: incident.substationId });
    expect(posing.status).toBe(403);
    expect((await post(`/api/incidents/${incident.id}/arrive`, tokens.own)).status).toBe(200);
    const otherResolves = await post(`/api/incidents/${incident.id}/resolve`, tokens.other, { outcome: 'confirmed-fire' });
    expect(otherResolves.status).toBe(403);
    expect(otherResolves.body.code).toBe('WRONG_SUBSTATION');
    expect((await post(`/api/incidents/${incident.id}/resolve`, tokens.own, { outcome: 'confirmed-fire' })).status).toBe(200);
  });
  it("lets only an operator import and export the zone's register; anyone with a token reads the indicator catalogue", async () => {
    const importBody = { substations: [] };
    for (const token of [tokens.viewer, tokens.own]) {
      expect((await post('/api/zone/import', token, importBody)).status).toBe(403);
      expect((await post('/api/zone/import?dryRun=true', token, importBody)).status).toBe(403);
      expect((await sut.api('/api/zone/export', { token })).status).toBe(403);
      const indicators = await sut.api('/api/indicators', { token });
      expect(indicators.status).toBe(200);
      expect(indicators.body.length).toBeGreaterThan(0);
    }
    for (const path of ['/api/zone/export', '/api/indicators']) expect((await sut.api(path, { token: null })).status).toBe(401);
    expect((await post('/api/zone/import', null, importBody)).status).toBe(401);
    expect((await post('/api/zone/import?dryRun=true', undefined as never, importBody)).status).toBe(200);
    expect((await sut.api('/api/zone/export')).status).toBe(200);
  });

  it('lets only an operator create and change register rows: 403 to a viewer and a substation, 401 without a token', async () => {
    const writes: [string, string][] = [
      ['POST', '/api/substations'],
      ['PATCH', '/api/substations/S1'],
      ['POST', '/api/enterprises'],
      ['PATCH', '/api/enterprises/E0001'],
      ['POST', '/api/devices'],
      ['PATCH', '/api/devices/E0001-D01'],
      ['POST', '/api/contacts'],
      ['PATCH', '/api/contacts/C1'],
    ];
    for (const [method, path] of writes) {
      for (const token of [tokens.viewer, tokens.own])
        expect({ method, path, status: (await sut.api(path, { method, body: '{}', token })).status }).toEqual({
          method,
          path,
          status: 403,
        });
      expect({ method, path, status: (await sut.api(path, { method, body: '{}', token: null })).status }).toEqual({
        method,
        path,
        status: 401,
      });
    }
  });

  it("lets an operator set any substation's availability, a substation only its own, and nobody else", async () => {
    const own = incident.substationId;
    const other = own === 'S1' ? 'S2' : 'S1';
    const put = (id: string, token: string | null | undefined) =>
      sut.api(`/api/substations/${id}/availability`, {
        method: 'PUT',
        body: JSON.stringify({ available: true, reason: 'in service' }),
        token,
      });
    expect((await put(own, null)).status).toBe(401);
    expect((await put(own, tokens.viewer)).status).toBe(403);
    const wrong = await put(own, tokens.other);
    expect(wrong.status).toBe(403);
    expect(wrong.body.code).toBe('WRONG_SUBSTATION');
    expect((await put(own, tokens.own)).status).toBe(200);
    expect((await put(other, undefined)).status).toBe(200);
  });
});
