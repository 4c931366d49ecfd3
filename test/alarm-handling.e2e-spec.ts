import { MqttClient } from 'mqtt';
import { SseRecorder, waitFor } from '@app/testing';
import { AllInOneHarness, TOKEN } from '@app/testing/all-in-one.harness';
import { AllInOneModule } from '@app/all-in-one';

interface Alarm {
  id: string;
  grade: string;
  status: string;
  value: number | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  assignee: string | null;
  comments: { kind: string; at: string; by: string; text: string }[];
}

/** SPEC.md, operator handling: an operator acknowledges, comments on and assigns an alarm, and it all survives the alarm's later life. */
describe('alarm handling: acknowledge, comment and assign through the API', () => {
  const sut = new AllInOneHarness(AllInOneModule);
  const stream = new SseRecorder();
  let device: MqttClient;
  let enterpriseId = '';
  let detectorId = '';
  let viewer = '';
  let substation = '';
  const t0 = Date.now() - 120_000;

  const post = (path: string, body: unknown, token?: string) => sut.api(path, { method: 'POST', body: JSON.stringify(body), token });
  const gas = (at: number, gasLel: number) =>
    device.publishAsync(
      `sites/${enterpriseId}/devices/${detectorId}/telemetry`,
      JSON.stringify({ ts: at, readings: { gas_lel: gasLel } }),
      {
        qos: 1,
      },
    );
  const alarmWhere = (what: string, test: (a: Alarm) => boolean) =>
    waitFor(
      async () => (await sut.api<Alarm[]>(`/api/alarms?deviceId=${detectorId}`)).body.find((a) => a.status !== undefined && test(a)),
      5000,
      what,
    );

  beforeAll(async () => {
    await sut.start();
    await stream.open(`${sut.baseUrl}/api/stream`, { authorization: `Bearer ${TOKEN}` });
    device = await sut.device();
    const { body: devices } = await sut.api('/api/devices?type=gas_detector&status=active');
    const found = (Array.isArray(devices) ? devices : devices.items)[0];
    enterpriseId = found?.enterpriseId ?? '';
    detectorId = found?.id ?? '';
    if (!detectorId) throw new Error('the demo zone has no gas detector');
    for (const [key, body] of Object.entries({
      viewer: { role: 'viewer', name: 'duty viewer' },
      substation: { role: 'substation', name: 'station chief', substationId: 'S1' },
    })) {
      const res = await post('/api/tokens', body);
      if (key === 'viewer') viewer = res.body.token;
      else substation = res.body.token;
    }
  });

  afterAll(async () => {
    await device?.endAsync();
    await stream.close();
    await sut.dispose();
  });

  it('keeps the acknowledgement, assignee and every comment while the alarm is updated and cleared', async () => {
    await gas(t0, 30);
    const raised = await alarmWhere('the gas alarm', (a) => a.status === 'open');
    expect(raised).toMatchObject({ grade: 'orange', acknowledgedAt: null, acknowledgedBy: null, assignee: null, comments: [] });

    const ack = await post(`/api/alarms/${raised.id}/acknowledge`, { note: 'seen, calling the site' });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ id: raised.id, acknowledgedBy: 'operator' });
    expect(Date.parse(ack.body.acknowledgedAt) - Date.now()).toBeLessThan(1000);
    const comment = await post(`/api/alarms/${raised.id}/comments`, { text: '  the site says a valve is open  ' });
    expect(comment.status).toBe(201);
    const assigned = await post(`/api/alarms/${raised.id}/assign`, { to: 'Li Wei (safety officer)' });
    expect(assigned.status).toBe(200);
    const expected = {
      acknowledgedAt: ack.body.acknowledgedAt,
      acknowledgedBy: 'operator',
      assignee: 'Li Wei (safety officer)',
      comments: [
        { kind: 'acknowledge', at: ack.body.acknowledgedAt, by: 'operator', text: 'seen, calling the site' },
        { kind: 'comment', at: expect.any(String), by: 'operator', text: 'the site says a valve is open' },
      ],
    };
    expect(assigned.body).toMatchObject(expected);

    await gas(t0 + 10_000, 60);
    const updated = await alarmWhere('the alarm raised to red', (a) => a.id === raised.id && a.grade === 'red');
    expect(updated).toMatchObject(expected);

    await gas(t0 + 20_000, 0);
    await gas(t0 + 60_000, 0);
    const cleared = await alarmWhere('the alarm cleared', (a) => a.id === raised.id && a.status === 'cleared');
    expect(cleared).toMatchObject(expected);
    expect((await sut.api(`/api/alarms/${raised.id}`)).body).toMatchObject({ ...expected, status: 'cleared' });

    const audit = await sut.api(`/api/audit?entity=alarm&entityId=${raised.id}`);
    expect(audit.body.items.map((i: { action: string }) => i.action).sort()).toEqual([
      'alarm.acknowledge',
      'alarm.assign',
      'alarm.comment',
    ]);
    const ackRecord = audit.body.items.find((i: { action: string }) => i.action === 'alarm.acknowledge');
    expect(ackRecord).toMatchObject({
      actor: { name: 'operator', role: 'operator' },
      before: { acknowledgedAt: null },
      after: { acknowledgedBy: 'operator' },
    });

    await waitFor(
      () =>
        ['alarm.acknowledged', 'alarm.commented', 'alarm.assigned'].every((type) =>
          stream.ofType(type).some((e) => e.data.alarmId === raised.id),
        ),
      2000,
      'the three handling events on the live stream',
    );
    const assignedEvent = stream.ofType('alarm.assigned').find((e) => e.data.alarmId === raised.id)!;
    expect(assignedEvent.data).toMatchObject({ enterpriseId, by: 'operator', handling: { assignee: 'Li Wei (safety officer)' } });
  });

  it('refuses a second acknowledgement with 409 ALREADY_DONE and keeps the first', async () => {
    const [alarm] = (await sut.api<Alarm[]>(`/api/alarms?deviceId=${detectorId}`)).body;
    const again = await post(`/api/alarms/${alarm.id}/acknowledge`, {});
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ statusCode: 409, code: 'ALREADY_DONE' });
    expect((await sut.api(`/api/alarms/${alarm.id}`)).body.acknowledgedAt).toBe(alarm.acknowledgedAt);
  });

  it.each<[string, string, unknown]>([
    ['an empty comment', 'comments', { text: '' }],
    ['a blank comment', 'comments', { text: '   ' }],
    ['a comment over 2,000 characters', 'comments', { text: 'x'.repeat(2001) }],
    ['a comment that is not a string', 'comments', { text: 42 }],
    ['no comment at all', 'comments', {}],
    ['an unknown field', 'comments', { text: 'ok', extra: true }],
    ['an empty assignee', 'assign', { to: '' }],
    ['an assignee that is not a string', 'assign', { to: ['a'] }],
    ['a note that is not a string', 'acknowledge', { note: 1 }],
    ['an oversized note', 'acknowledge', { note: 'x'.repeat(2001) }],
  ])('answers 400 with the error body for %s', async (_what, action, body) => {
    const [alarm] = (await sut.api<Alarm[]>(`/api/alarms?deviceId=${detectorId}`)).body;
    const res = await post(`/api/alarms/${alarm.id}/${action}`, body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, code: expect.any(String), message: expect.any(String) });
  });

  it('accepts a comment of exactly 2,000 characters', async () => {
    const [alarm] = (await sut.api<Alarm[]>(`/api/alarms?deviceId=${detectorId}`)).body;
    expect((await post(`/api/alarms/${alarm.id}/comments`, { text: 'y'.repeat(2000) })).status).toBe(201);
  });

  it.each(['acknowledge', 'comments', 'assign'])('answers 404 NOT_FOUND to %s on an unknown alarm', async (action) => {
    const res = await post(`/api/alarms/no-such-alarm/${action}`, pick(action));
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
  });

  it.each(['acknowledge', 'comments', 'assign'])(
    'lets only an operator %s: 401 without a token, 403 for a viewer or substation',
    async (action) => {
      const [alarm] = (await sut.api<Alarm[]>(`/api/alarms?deviceId=${detectorId}`)).body;
      expect(
        (await sut.api(`/api/alarms/${alarm.id}/${action}`, { method: 'POST', body: JSON.stringify(pick(action)), token: null })).status,
      ).toBe(401);
      expect((await post(`/api/alarms/${alarm.id}/${action}`, pick(action), viewer)).status).toBe(403);
      expect((await post(`/api/alarms/${alarm.id}/${action}`, pick(action), substation)).status).toBe(403);
    },
  );
});

function pick(action: string): Record<string, string> {
  return action === 'comments' ? { text: 'x' } : action === 'assign' ? { to: 'x' } : {};
}
