import { MqttClient } from 'mqtt';
import { IncidentView } from '@app/contracts';
import { hashToken } from '@app/storage';
import { waitFor } from '@app/testing';
import { AllInOneHarness, TOKEN } from '@app/testing/all-in-one.harness';
import { AllInOneModule } from '@app/all-in-one';

interface AuditItem {
  at: string;
  actor: { tokenId: string; name: string; role: string };
  action: string;
  entity: string;
  entityId: string;
  before: any;
  after: any;
  correlationId: string;
}

const OPERATOR = { tokenId: 'env:OPERATOR_TOKEN', name: 'operator', role: 'operator' };

/** Every write through the API appends one audit record, a refused one none; tokens expire, are revoked at once and say when they were last used. */
describe('the audit log and the life of a token', () => {
  const sut = new AllInOneHarness(AllInOneModule);
  let device: MqttClient;
  let incident: IncidentView;
  const secrets: string[] = [];

  /** A request with headers of its own (the harness's api() sets only the token and the content type). */
  const call = async (path: string, init: { method?: string; body?: unknown; token?: string; headers?: Record<string, string> } = {}) => {
    const res = await fetch(sut.baseUrl + path, {
      method: init.method ?? 'GET',
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${init.token ?? TOKEN}`, ...init.headers },
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as any };
  };
  const audit = async (query = '') => (await call(`/api/audit${query}`)).body.items as AuditItem[];
  const issue = async (body: Record<string, unknown>) => {
    const res = await call('/api/tokens', { method: 'POST', body });
    expect(res.status).toBe(201);
    secrets.push(res.body.token);
    return res.body as { token: string; id: string };
  };
  /** The one record of this write: exactly one record of the entity with this action. */
  const recordOf = async (entity: string, entityId: string, action: string) => {
    const items = (await audit(`?entity=${entity}&entityId=${encodeURIComponent(entityId)}`)).filter((i) => i.action === action);
    expect(items).toHaveLength(1);
    return items[0];
  };

  beforeAll(async () => {
    await sut.start();
    device = await sut.device();
    const { body } = await sut.api('/api/enterprises/E0003');
    const detector = body.devices.find((d: { type: string }) => d.type === 'smoke_detector' || d.type === 'gas_detector');
    const readings = detector.type === 'smoke_detector' ? { smoke: true } : { gas_lel: 60 };
    await device.publishAsync(`sites/E0003/devices/${detector.id}/telemetry`, JSON.stringify({ ts: Date.now(), readings }), { qos: 1 });
    incident = await waitFor(
      async () => (await sut.api<IncidentView[]>('/api/incidents?status=open&enterpriseId=E0003')).body[0],
      5000,
      'an incident',
    );
  });

  afterAll(async () => {
    await device?.endAsync();
    await sut.dispose();
  });

  it('walks every write endpoint and finds exactly one record of each, with its actor, action, entity, before and after', async () => {
    expect(await audit()).toEqual([]);
    let writes = 0;

    // POST /api/tokens, with the caller's correlation id.
    const issued = await call('/api/tokens', {
      method: 'POST',
      body: { role: 'substation', name: 'station chief', substationId: incident.substationId },
      headers: { 'x-correlation-id': 'walk-1' },
    });
    expect(issued.status).toBe(201);
    expect(issued.headers.get('x-correlation-id')).toBe('walk-1');
    const chief = issued.body as { token: string; id: string };
    secrets.push(chief.token);
    writes++;
    const issuedRecord = await recordOf('token', chief.id, 'token.issue');
    expect(issuedRecord).toEqual({
      at: expect.any(String),
      actor: OPERATOR,
      action: 'token.issue',
      entity: 'token',
      entityId: chief.id,
      before: null,
      after: {
        id: chief.id,
        name: 'station chief',
        role: 'substation',
        scope: { substationId: incident.substationId },
        createdAt: expect.any(String),
        expiresAt: null,
        lastUsedAt: null,
        revokedAt: null,
      },
      correlationId: 'walk-1',
    });

    // POST /api/devices/{id}/credentials, twice: the second record has the first issue as its before, and neither the secret.
    const { body: enterprise } = await sut.api('/api/enterprises/E0002');
    const deviceId: string = enterprise.devices[0].id;
    const first = await call(`/api/devices/${deviceId}/credentials`, { method: 'POST' });
    expect(first.status).toBe(201);
    secrets.push(first.body.password);
    writes++;
    const firstRecord = await recordOf('device', deviceId, 'device.credentials.issue');
    expect(firstRecord).toMatchObject({
      actor: OPERATOR,
      entity: 'device',
      before: null,
      after: { deviceId, username: deviceId, issuedAt: expect.any(String) },
      correlationId: first.headers.get('x-correlation-id'),
    });
    expect(firstRecord.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    const second = await call(`/api/devices/${deviceId}/credentials`, { method: 'POST' });
    expect(second.status).toBe(201);
    secrets.push(second.body.password);
    writes++;
    const deviceRecords = await audit(`?entity=device&entityId=${deviceId}`);
    expect(deviceRecords).toHaveLength(2);
    expect(deviceRecords[0].before).toEqual(firstRecord.after);

    // The three incident actions, by the substation's token: the actor is that token, the milestone goes from unmet to met.
    const milestones = ['acknowledged', 'onScene', 'underControl'];
    for (const [i, action] of ['acknowledge', 'arrive', 'resolve'].entries()) {
      const body = action === 'resolve' ? { outcome: 'false-alarm', cause: 'cooking' } : {};
      const res = await call(`/api/incidents/${incident.id}/${action}`, { method: 'POST', body, token: chief.token });
      expect(res.status).toBe(200);
      writes++;
      const record = await recordOf('incident', incident.id, `incident.${action}`);
      expect(record.actor).toEqual({ tokenId: chief.id, name: 'station chief', role: 'substation' });
      expect(record.before.milestones[i]).toMatchObject({ name: milestones[i], at: null });
      expect(record.after).toEqual(res.body);
      expect(record.after.milestones[i]).toMatchObject({ name: milestones[i], at: expect.any(String) });
    }
    expect((await recordOf('incident', incident.id, 'incident.resolve')).after).toMatchObject({
      status: 'resolved',
      resolution: { outcome: 'false-alarm', cause: 'cooking', note: null, by: `station chief@${incident.substationId}` },
    });

    // PUT /api/substations/{id}/availability, by the substation itself and back by the operator.
    const station = incident.substationId;
    const out = await call(`/api/substations/${station}/availability`, {
      method: 'PUT',
      body: { available: false, reason: 'drill' },
      token: chief.token,
    });
    expect(out.status).toBe(200);
    writes++;
    const back = await call(`/api/substations/${station}/availability`, { method: 'PUT', body: { available: true, reason: 'drill over' } });
    expect(back.status).toBe(200);
    writes++;
    const availability = (await audit(`?entity=substation&entityId=${station}`)).filter((i) => i.action === 'substation.availability');
    expect(availability).toHaveLength(2);
    expect(availability[1]).toMatchObject({
      actor: { tokenId: chief.id, name: 'station chief', role: 'substation' },
      before: { available: true, reason: null },
      after: { available: false, reason: 'drill', changedAt: expect.any(String) },
    });
    expect(availability[0]).toMatchObject({
      actor: OPERATOR,
      before: availability[1].after,
      after: { available: true, reason: 'drill over' },
    });

    // POST and PATCH of each kind of register row: the row before (null when created) and after, as stored.
    const rows = {
      substations: {
        id: 'AUDIT-S',
        name: 'Audit',
        location: { lat: 10.5, lon: 10.5 },
        area: { minLat: 10, minLon: 10, maxLat: 11, maxLon: 11 },
        capacity: 1,
      },
      enterprises: {
        id: 'AUDIT-E',
        name: 'Audit Works',
        industry: 'textiles',
        location: { lat: 10.4, lon: 10.4 },
        substationId: 'AUDIT-S',
      },
      devices: { id: 'AUDIT-D', enterpriseId: 'AUDIT-E', type: 'smoke_detector', reportIntervalS: 30 },
      contacts: { id: 'AUDIT-CW', name: 'Audit Contact', role: 'responsible', enterpriseId: 'AUDIT-E' },
    };
    const patches = {
      substations: { capacity: 2 },
      enterprises: { hazards: { threeInOne: true } },
      devices: { status: 'retired' },
      contacts: { phone: '+86 2' },
    };
    const entityOf = { substations: 'substation', enterprises: 'enterprise', devices: 'device', contacts: 'contact' } as const;
    for (const kind of ['substations', 'enterprises', 'devices', 'contacts'] as const) {
      const row = rows[kind];
      const created = await call(`/api/${kind}`, { method: 'POST', body: row });
      expect(created.status).toBe(201);
      writes++;
      const createRecord = await recordOf(entityOf[kind], row.id, `${entityOf[kind]}.create`);
      expect(createRecord).toMatchObject({ actor: OPERATOR, entity: entityOf[kind], entityId: row.id, before: null, after: created.body });
      const patched = await call(`/api/${kind}/${row.id}`, { method: 'PATCH', body: patches[kind] });
      expect(patched.status).toBe(200);
      writes++;
      const updateRecord = await recordOf(entityOf[kind], row.id, `${entityOf[kind]}.update`);
      expect(updateRecord).toMatchObject({ actor: OPERATOR, before: created.body, after: patched.body });
    }

    // DELETE /api/tokens/{id}.
    const revoked = await call(`/api/tokens/${chief.id}`, { method: 'DELETE' });
    expect(revoked.status).toBe(200);
    writes++;
    const revokedRecord = await recordOf('token', chief.id, 'token.revoke');
    expect(revokedRecord.before).toMatchObject({ id: chief.id, revokedAt: null });
    expect(revokedRecord.after).toEqual(revoked.body);
    expect(revokedRecord.after.revokedAt).toEqual(expect.any(String));

    const all = await audit();
    expect(all).toHaveLength(writes);
    const text = JSON.stringify(all);
    for (const secret of secrets) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(hashToken(secret));
    }
  });

  it('records nothing for a refused write (400, 401, 403, 404, 409)', async () => {
    const viewer = await issue({ role: 'viewer', name: 'duty viewer' });
    const before = (await audit('?limit=1000')).length;
    const refused = [
      await call('/api/tokens', { method: 'POST', body: { role: 'viewer', name: 'x' }, token: viewer.token }),
      await call('/api/tokens', { method: 'POST', body: { role: 'viewer', name: 'x' }, token: 'not-a-real-token-at-all' }),
      await call('/api/tokens', { method: 'POST', body: { role: 'substation', name: 'ghost', substationId: 'S99' } }),
      await call('/api/tokens', { method: 'POST', body: { role: 'viewer', name: 'x', expiresAt: '2000-01-01T00:00:00Z' } }),
      await call('/api/devices/E0999-D99/credentials', { method: 'POST' }),
      await call(`/api/incidents/${incident.id}/acknowledge`, { method: 'POST', body: {} }),
      await call('/api/incidents/no-such-incident/acknowledge', { method: 'POST', body: {} }),
      await call('/api/tokens/no-such-token', { method: 'DELETE' }),
      await call(`/api/tokens/${viewer.id}`, { method: 'DELETE', token: viewer.token }),
    ];
    expect(refused.map((r) => r.status)).toEqual([403, 401, 400, 400, 404, 409, 404, 404, 403]);
    expect(await audit('?limit=1000')).toHaveLength(before);

    expect((await call(`/api/tokens/${viewer.id}`, { method: 'DELETE' })).status).toBe(200);
    const twice = await call(`/api/tokens/${viewer.id}`, { method: 'DELETE' });
    expect(twice).toMatchObject({ status: 409, body: { code: 'ALREADY_REVOKED' } });
    expect(await audit('?limit=1000')).toHaveLength(before + 1);
  });

  it('filters the log by actor and time and pages it by cursor', async () => {
    const all = await audit('?limit=1000');
    const chiefRecords = all.filter((i) => i.actor.role === 'substation');
    expect(await audit(`?actor=${chiefRecords[0].actor.tokenId}`)).toEqual(chiefRecords);
    expect(await audit('?actor=env:OPERATOR_TOKEN')).toEqual(all.filter((i) => i.actor.tokenId === 'env:OPERATOR_TOKEN'));
    const oldest = all[all.length - 1];
    expect(await audit(`?from=${oldest.at}&to=${new Date(Date.parse(oldest.at) + 1).toISOString()}`)).toContainEqual(oldest);
    expect(await audit(`?to=${oldest.at}`)).toEqual([]);

    const page1 = await call('/api/audit?limit=2');
    expect(page1.body.items).toEqual(all.slice(0, 2));
    const page2 = await call(`/api/audit?limit=2&cursor=${page1.headers.get('x-next-cursor')}`);
    expect(page2.body.items).toEqual(all.slice(2, 4));
    expect((await call('/api/audit?cursor=bm90LWEtY3Vyc29y')).status).toBe(400);
  });

  it('refuses an expired token and a revoked one at once', async () => {
    const brief = await issue({ role: 'viewer', name: 'short visit', expiresAt: new Date(Date.now() + 1500).toISOString() });
    expect((await call('/api/me', { token: brief.token })).status).toBe(200);
    const expired = await waitFor(
      async () => {
        const res = await call('/api/me', { token: brief.token });
        return res.status === 401 ? res : undefined;
      },
      5000,
      'the token to expire',
    );
    expect(expired.body).toMatchObject({ statusCode: 401, code: 'TOKEN_EXPIRED' });

    const held = await issue({ role: 'viewer', name: 'leaving today' });
    expect((await call('/api/me', { token: held.token })).status).toBe(200);
    expect((await call(`/api/tokens/${held.id}`, { method: 'DELETE' })).status).toBe(200);
    expect(await call('/api/me', { token: held.token })).toMatchObject({ status: 401, body: { code: 'TOKEN_REVOKED' } });
  });

  it('lists tokens with their holder, expiry, last use and revocation, never a secret', async () => {
    const fresh = await issue({ role: 'viewer', name: 'new hire', expiresAt: '2099-01-01T00:00:00.000Z' });
    const listed = async () => ((await call('/api/tokens?limit=1000')).body as any[]).find((t) => t.id === fresh.id);
    expect(await listed()).toEqual({
      id: fresh.id,
      name: 'new hire',
      role: 'viewer',
      scope: null,
      createdAt: expect.any(String),
      expiresAt: '2099-01-01T00:00:00.000Z',
      lastUsedAt: null,
      revokedAt: null,
    });
    expect((await call('/api/me', { token: fresh.token })).body).toMatchObject({ name: 'new hire', role: 'viewer' });
    expect((await listed()).lastUsedAt).toEqual(expect.any(String));

    const list = await call('/api/tokens?limit=1000');
    const text = JSON.stringify(list.body);
    for (const secret of secrets) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(hashToken(secret));
    }
  });

  it('records one import of the register with its counts and the ids it wrote; a refused (422) import records nothing', async () => {
    const imports = async () => (await audit('?entity=zone&entityId=register&limit=1000')).filter((i) => i.action === 'zone.import');
    const already = (await imports()).length;
    const contact = { id: 'AUDIT-C1', name: 'Duty Officer', phone: '+86 571 0000', role: 'duty', substationId: 'S1' };
    const imported = await call('/api/zone/import', { method: 'POST', body: { contacts: [contact] } });
    expect(imported.status).toBe(200);
    const records = await imports();
    expect(records).toHaveLength(already + 1);
    expect(records[0]).toMatchObject({
      actor: OPERATOR,
      action: 'zone.import',
      entity: 'zone',
      entityId: 'register',
      before: null,
      after: {
        dryRun: false,
        applied: true,
        created: { substations: 0, enterprises: 0, devices: 0, contacts: 1 },
        updated: { substations: 0, enterprises: 0, devices: 0, contacts: 0 },
        createdIds: { contacts: ['AUDIT-C1'] },
      },
      correlationId: expect.any(String),
    });

    const total = (await audit('?limit=1000')).length;
    const bad = await call('/api/zone/import', { method: 'POST', body: { contacts: [{ ...contact, id: 'AUDIT-C2', role: 'chief' }] } });
    expect(bad).toMatchObject({ status: 422, body: { code: 'REGISTER_INVALID', applied: false } });
    expect(await audit('?limit=1000')).toHaveLength(total);
    expect(await imports()).toHaveLength(already + 1);
  });
});
