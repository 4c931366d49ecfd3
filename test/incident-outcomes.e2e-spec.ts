import { MqttClient } from 'mqtt';
import { IncidentView } from '@app/contracts';
import { SseRecorder, waitFor } from '@app/testing';
import { AllInOneHarness, TOKEN } from '@app/testing/all-in-one.harness';
import { AllInOneModule } from '@app/all-in-one';

describe('incident outcomes: a false alarm resolved with its cause, and the false-alarm report', () => {
  const sut = new AllInOneHarness(AllInOneModule, { TIMELINE_SECONDS: '60,180,300' });
  const stream = new SseRecorder();
  let device: MqttClient;
  let viewer: string;
  const enterpriseId = 'E0003';
  let deviceId: string;
  let incident: IncidentView;
  const startedAt = new Date(Date.now() - 1000).toISOString();

  const post = (path: string, body: unknown, token?: string) =>
    sut.api(path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), token });
  const resolve = (body: unknown, id = incident.id) => post(`/api/incidents/${id}/resolve`, body);

  beforeAll(async () => {
    await sut.start();
    await stream.open(`${sut.baseUrl}/api/stream`, { authorization: `Bearer ${TOKEN}` });
    device = await sut.device();
    const { body } = await sut.api(`/api/enterprises/${enterpriseId}`);
    deviceId = body.devices.find((d: { type: string }) => d.type === 'smoke_detector').id;
    const issued = await post('/api/tokens', { role: 'viewer', name: 'duty viewer' });
    viewer = issued.body.token;
  });

  afterAll(async () => {
    await device?.endAsync();
    await stream.close();
    await sut.dispose();
  });

  it('takes a fire alarm through acknowledged and on scene, then resolves it as a false alarm caused by steam', async () => {
    const t0 = Date.now();
    const topic = `sites/${enterpriseId}/devices/${deviceId}/telemetry`;
    await device.publishAsync(topic, JSON.stringify({ ts: t0 - 1000, readings: { smoke: false, temperature: 30 } }), { qos: 1 });
    await device.publishAsync(topic, JSON.stringify({ ts: t0, readings: { smoke: true, temperature: 70 } }), { qos: 1 });
    incident = await waitFor(
      async () => (await sut.api<IncidentView[]>(`/api/incidents?status=open&enterpriseId=${enterpriseId}`)).body[0],
      5000,
      'an open incident',
    );
    expect(incident.resolution).toBeNull();
    expect((await post(`/api/incidents/${incident.id}/acknowledge`, {})).status).toBe(200);
    expect((await post(`/api/incidents/${incident.id}/arrive`, {})).status).toBe(200);

    const resolved = await resolve({ outcome: 'false-alarm', cause: 'steam', note: 'steam from the canteen kitchen' });

    expect(resolved.status).toBe(200);
    const resolution = { outcome: 'false-alarm', cause: 'steam', note: 'steam from the canteen kitchen', by: 'operator' };
    expect(resolved.body).toMatchObject({ status: 'resolved', resolution: { ...resolution, at: resolved.body.resolvedAt } });
    expect((await sut.api<IncidentView>(`/api/incidents/${incident.id}`)).body.resolution).toEqual(resolved.body.resolution);
    const listed = (await sut.api<IncidentView[]>(`/api/incidents?status=resolved&enterpriseId=${enterpriseId}`)).body;
    expect(listed.find((i) => i.id === incident.id)?.resolution).toEqual(resolved.body.resolution);
    const event = await waitFor(
      async () => stream.ofType('incident.resolved').find((e) => e.data.incidentId === incident.id),
      3000,
      'incident.resolved on the live stream',
    );
    expect(event.data.incident.resolution).toEqual(resolved.body.resolution);
    const audit = await sut.api(`/api/audit?entity=incident&entityId=${incident.id}`);
    const record = audit.body.items.find((r: { action: string }) => r.action === 'incident.resolve');
    expect(record.after.resolution).toMatchObject(resolution);
  });

  it('shows it in the false-alarm report by device and by enterprise', async () => {
    const expected = { resolved: 1, tests: 0, falseAlarms: 1, falseAlarmRate: 1, causes: { steam: 1 } };
    const byDevice = await sut.api(`/api/reports/false-alarms?from=${startedAt}&groupBy=device`, { token: viewer });
    expect(byDevice.status).toBe(200);
    expect(byDevice.body).toMatchObject({ groupBy: 'device', from: startedAt, zone: expected, groups: [{ key: deviceId, ...expected }] });
    const byEnterprise = await sut.api(`/api/reports/false-alarms?from=${startedAt}&groupBy=enterprise`);
    expect(byEnterprise.body.groups).toEqual([{ key: enterpriseId, ...expected }]);
    // The default period is the last 30 days, grouped by enterprise.
    expect((await sut.api('/api/reports/false-alarms')).body).toMatchObject({ groupBy: 'enterprise', zone: expected });
  });

  it('refuses a bad resolution with 400 VALIDATION_FAILED naming the field, before it looks at the incident', async () => {
    const cases: Array<[unknown, string]> = [
      [{}, 'outcome'],
      [{ outcome: 'fire' }, 'outcome'],
      [{ outcome: 'false-alarm' }, 'cause'],
      [{ outcome: 'false-alarm', cause: 'ghosts' }, 'cause'],
      [{ outcome: 'confirmed-fire', cause: 'steam' }, 'cause'],
      [{ outcome: 'other', note: 'x'.repeat(2001) }, 'note'],
      [{ outcome: 'other', colour: 'red' }, 'request'],
    ];
    for (const [body, field] of cases) {
      const res = await resolve(body);
      expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status: 400, code: 'VALIDATION_FAILED' });
      expect(res.body.details.map((d: { path: string }) => d.path)).toContain(field);
    }
  });

  it('refuses a resolved incident (409), an unknown one (404) and a viewer (403)', async () => {
    const again = await resolve({ outcome: 'other' });
    expect([again.status, again.body.code]).toEqual([409, 'INCIDENT_RESOLVED']);
    const missing = await resolve({ outcome: 'other' }, 'no-such-incident');
    expect([missing.status, missing.body.code]).toEqual([404, 'NOT_FOUND']);
    expect((await post(`/api/incidents/${incident.id}/resolve`, { outcome: 'other' }, viewer)).status).toBe(403);
  });

  it('refuses a bad report query with 400', async () => {
    for (const query of [
      'groupBy=colour',
      'from=yesterday',
      'to=2026-13-45T00:00:00Z',
      'from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z',
      `from=${new Date(Date.now() + 86_400_000).toISOString()}`,
    ]) {
      const res = await sut.api(`/api/reports/false-alarms?${query}`);
      expect({ query, status: res.status, code: res.body.code }).toEqual({ query, status: 400, code: 'VALIDATION_FAILED' });
    }
  });
});
