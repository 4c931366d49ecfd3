import { MqttClient } from 'mqtt';
import { IncidentView } from '@app/contracts';
import { SseRecorder, waitFor } from '@app/testing';
import { AllInOneHarness, TOKEN } from '@app/testing/all-in-one.harness';
import { AllInOneModule } from '@app/all-in-one';

interface Alarm {
  id: string;
  deviceId: string;
  status: string;
  test: boolean;
  message: string;
}

/** Test and disable (SPEC.md, operator handling) on the embedded system, devices publishing over MQTT. */
describe('test and disable modes', () => {
  const sut = new AllInOneHarness(AllInOneModule, { TIMELINE_SECONDS: '60,180,300' });
  const stream = new SseRecorder();
  let device: MqttClient;
  let viewer: string;
  const detectors = new Map<string, string>();

  const put = (path: string, body: unknown, token?: string) => sut.api(path, { method: 'PUT', body: JSON.stringify(body), token });
  const until = (ms: number) => new Date(Date.now() + ms).toISOString();
  const smoke = (enterpriseId: string, on: boolean, ts = Date.now()) =>
    device.publishAsync(
      `sites/${enterpriseId}/devices/${detectors.get(enterpriseId)}/telemetry`,
      JSON.stringify({ ts, readings: { smoke: on, temperature: on ? 70 : 25 } }),
      { qos: 1 },
    );
  const alarmsOf = async (enterpriseId: string) => (await sut.api<Alarm[]>(`/api/alarms?enterpriseId=${enterpriseId}`)).body;
  const openIncidents = async (enterpriseId: string) =>
    (await sut.api<IncidentView[]>(`/api/incidents?status=open&enterpriseId=${enterpriseId}`)).body;

  beforeAll(async () => {
    await sut.start();
    await stream.open(`${sut.baseUrl}/api/stream`, { authorization: `Bearer ${TOKEN}` });
    device = await sut.device();
    for (const enterpriseId of ['E0003', 'E0004', 'E0005', 'E0006']) {
      const { body } = await sut.api(`/api/enterprises/${enterpriseId}`);
      detectors.set(enterpriseId, body.devices.find((d: { type: string }) => d.type === 'smoke_detector').id);
    }
    viewer = (await sut.api('/api/tokens', { method: 'POST', body: JSON.stringify({ role: 'viewer', name: 'duty viewer' }) })).body.token;
  });

  afterAll(async () => {
    await device?.endAsync();
    await stream.close();
    await sut.dispose();
  });

  it('a device in test mode raises an alarm marked test, opens no incident and leaves the grade alone', async () => {
    const deviceId = detectors.get('E0003')!;
    const gradeBefore = (await sut.api('/api/enterprises/E0003')).body.grade;
    const set = await put(`/api/devices/${deviceId}/mode`, { mode: 'test', until: until(10 * 60_000), reason: 'quarterly detector test' });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ mode: 'test', reason: 'quarterly detector test', setBy: 'operator' });
    await waitFor(async () => stream.ofType('mode.changed').find((e) => e.data.id === deviceId), 3000, 'mode.changed on the live stream');

    await smoke('E0003', true);
    const alarm = await waitFor(async () => (await alarmsOf('E0003')).find((a) => a.status === 'open'), 5000, 'the test alarm');
    expect(alarm.test).toBe(true);
    await waitFor(async () => stream.ofType('alarm.raised').find((e) => e.data.alarmId === alarm.id), 3000, 'alarm.raised');
    // Dispatch took the same alarms.v1 message; a moment for it to have acted, had it wanted to.
    await new Promise((r) => setTimeout(r, 1000));
    expect(await openIncidents('E0003')).toEqual([]);
    const enterprise = (await sut.api('/api/enterprises/E0003')).body;
    expect(enterprise.grade).toBe(gradeBefore);
    expect(enterprise.devices.find((d: { id: string }) => d.id === deviceId).mode).toMatchObject({ mode: 'test' });
    const listed = (await sut.api(`/api/devices?q=${deviceId}`)).body.items[0];
    expect(listed.mode).toMatchObject({ mode: 'test', reason: 'quarterly detector test' });

    const audit = (await sut.api(`/api/audit?entity=device&entityId=${deviceId}`)).body.items;
    expect(audit[0]).toMatchObject({
      action: 'device.mode',
      actor: { role: 'operator' },
      before: { mode: 'normal' },
      after: { mode: 'test', reason: 'quarterly detector test' },
    });
  });

  it("a disabled device's smoke reading raises no alarm, and the reading is stored", async () => {
    const deviceId = detectors.get('E0004')!;
    expect(
      (await put(`/api/devices/${deviceId}/mode`, { mode: 'disabled', until: until(60_000), reason: 'detector replaced' })).status,
    ).toBe(200);
    const ts = Date.now();
    await smoke('E0004', true, ts);
    const from = new Date(ts - 1000).toISOString();
    const to = new Date(ts + 1000).toISOString();
    await waitFor(
      async () => (await sut.api(`/api/devices/${deviceId}/readings?from=${from}&to=${to}`)).body.points.length > 0 || undefined,
      5000,
      'the stored reading',
    );
    expect(await alarmsOf('E0004')).toEqual([]);
    expect(await openIncidents('E0004')).toEqual([]);
  });

  it('an enterprise disabled disables its devices; back to normal, its next fire reading is graded', async () => {
    expect((await put('/api/enterprises/E0005/mode', { mode: 'disabled', until: until(60_000), reason: 'works on site' })).status).toBe(
      200,
    );
    expect((await sut.api('/api/enterprises/E0005')).body.mode).toMatchObject({ mode: 'disabled', reason: 'works on site' });
    await smoke('E0005', true);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await alarmsOf('E0005')).toEqual([]);
    expect((await put('/api/enterprises/E0005/mode', { mode: 'normal' })).body).toMatchObject({ mode: 'normal', until: null });
    await smoke('E0005', true);
    await waitFor(async () => (await openIncidents('E0005'))[0], 5000, 'the incident once the enterprise is normal again');
  });

  it('refuses bad input with a code, unknown devices with 404 and a viewer with 403', async () => {
    const deviceId = detectors.get('E0006')!;
    const path = `/api/devices/${deviceId}/mode`;
    const refused = async (body: unknown, status: number, code: string, at = path) => {
      const res = await put(at, body);
      expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
    };
    await refused({ mode: 'test', reason: 'r' }, 400, 'UNTIL_REQUIRED');
    await refused({ mode: 'test', until: new Date(Date.now() - 1000).toISOString(), reason: 'r' }, 400, 'UNTIL_NOT_IN_FUTURE');
    await refused({ mode: 'test', until: until(31 * 24 * 3_600_000), reason: 'r' }, 400, 'UNTIL_TOO_FAR');
    await refused({ mode: 'disabled', until: until(60_000) }, 400, 'REASON_REQUIRED');
    await refused({ mode: 'maintenance', until: until(60_000), reason: 'r' }, 400, 'VALIDATION_FAILED');
    await refused({ mode: 'test', until: 'tomorrow', reason: 'r' }, 400, 'VALIDATION_FAILED');
    await refused({ mode: 'normal' }, 404, 'DEVICE_NOT_FOUND', '/api/devices/no-such-device/mode');
    await refused({ mode: 'normal' }, 404, 'ENTERPRISE_NOT_FOUND', '/api/enterprises/no-such-enterprise/mode');
    const asViewer = await put(path, { mode: 'test', until: until(60_000), reason: 'r' }, viewer);
    expect(asViewer.status).toBe(403);
    expect((await sut.api(`/api/devices?q=${deviceId}`)).body.items[0].mode.mode).toBe('normal');
  });

  it('a test mode ends by itself at until, also across a restart: the next fire reading opens an incident', async () => {
    const deviceId = detectors.get('E0006')!;
    const ends = Date.now() + 3000;
    const set = await put(`/api/devices/${deviceId}/mode`, { mode: 'test', until: new Date(ends).toISOString(), reason: 'short drill' });
    expect(set.status).toBe(200);
    await smoke('E0006', true);
    await waitFor(async () => (await alarmsOf('E0006')).find((a) => a.status === 'open' && a.test), 5000, 'the test alarm');

    await device.endAsync();
    // An open live stream would hold the HTTP server's close.
    await stream.close();
    await sut.stop();
    await new Promise((r) => setTimeout(r, Math.max(0, ends + 500 - Date.now())));
    await sut.start();
    device = await sut.device();

    // The expiry sweep stored normal under the system actor, and cleared the test alarm.
    const ended = await waitFor(
      async () =>
        (await sut.api(`/api/audit?entity=device&entityId=${deviceId}`)).body.items.find(
          (r: { actor: { role: string } }) => r.actor.role === 'system',
        ),
      5000,
      'the expiry in the audit',
    );
    expect(ended).toMatchObject({ action: 'device.mode', before: { mode: 'test', reason: 'short drill' }, after: { mode: 'normal' } });
    expect((await alarmsOf('E0006')).filter((a) => a.status === 'open')).toEqual([]);
    expect((await sut.api(`/api/devices?q=${deviceId}`)).body.items[0].mode).toMatchObject({ mode: 'normal', setBy: 'mode expiry' });

    await smoke('E0006', true);
    const incident = await waitFor(async () => (await openIncidents('E0006'))[0], 5000, 'the incident after the mode ended');
    const real = (await alarmsOf('E0006')).find((a) => a.status === 'open');
    expect(real).toMatchObject({ test: false });
    expect(incident.alarmIds).toContain(real!.id);
  }, 60_000);
});
