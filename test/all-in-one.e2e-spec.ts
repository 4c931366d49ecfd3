import { MqttClient } from 'mqtt';
import { IncidentView } from '@app/contracts';
import { SseRecorder, waitFor } from '@app/testing';
import { AllInOneHarness, TOKEN } from '@app/testing/all-in-one.harness';
import { AllInOneModule } from '@app/all-in-one';

const TIMELINE = [2, 4, 6];

describe('all-in-one: MQTT reading → grade → alarm → incident → 1-3-5 deadlines', () => {
  const sut = new AllInOneHarness(AllInOneModule, {
    TIMELINE_SECONDS: TIMELINE.join(','),
    TIMELINE_RENOTIFY_S: '1',
    TIMELINE_MAX_RENOTIFICATIONS: '2',
  });
  const stream = new SseRecorder();
  let device: MqttClient;

  const smokeDetectorOf = async (enterpriseId: string): Promise<string> => {
    const { body } = await sut.api(`/api/enterprises/${enterpriseId}`);
    const found = body.devices.find((d: { type: string }) => d.type === 'smoke_detector');
    if (!found) throw new Error(`${enterpriseId} has no smoke detector`);
    return found.id;
  };
  const publish = (enterpriseId: string, deviceId: string, payload: unknown, channel = 'telemetry') =>
    device.publishAsync(
      `sites/${enterpriseId}/devices/${deviceId}/${channel}`,
      typeof payload === 'string' ? payload : JSON.stringify(payload),
      { qos: 1 },
    );
  const openIncidentOf = (enterpriseId: string) =>
    waitFor(
      async () => {
        const { body } = await sut.api<IncidentView[]>(`/api/incidents?status=open&enterpriseId=${enterpriseId}`);
        return body.length === 1 ? body[0] : undefined;
      },
      5000,
      `an open incident for ${enterpriseId}`,
    );

  beforeAll(async () => {
    await sut.start();
    await stream.open(`${sut.baseUrl}/api/stream`, { authorization: `Bearer ${TOKEN}` });
    device = await sut.device();
  });

  afterAll(async () => {
    await device?.endAsync();
    await stream.close();
    await sut.dispose();
  });

  it('reports every dependency up on /health and serves Prometheus metrics', async () => {
    const health = await sut.api('/health', { token: null });
    expect(health.status).toBe(200);
    expect(health.body.checks).toMatchObject({ database: { status: 'up' }, bus: { status: 'up' }, mqttBroker: { status: 'up' } });
    const metrics = await sut.api('/metrics', { token: null });
    expect(metrics.body).toContain('zone_mqtt_messages_total');
  });

  it('turns a fire (smoke alarm + temperature rising) into an alarm, a red grade and one incident with three due times, then escalates when nobody acknowledges', async () => {
    const enterpriseId = 'E0001';
    const deviceId = await smokeDetectorOf(enterpriseId);
    const t0 = Date.now();
    await publish(enterpriseId, deviceId, { ts: t0 - 2000, seq: 1, readings: { smoke: false, temperature: 31 } });
    await publish(enterpriseId, deviceId, { ts: new Date(t0 - 1000).toISOString(), seq: 2, readings: { smoke: true, temperature: 48 } });
    await publish(enterpriseId, deviceId, { ts: t0, seq: 3, readings: { smoke: true, temperature: 72 } });

    const opened = await openIncidentOf(enterpriseId);
    expect(Date.parse(opened.dispatchedAt) - t0).toBeLessThan(1000);
    // Smoke alone is orange; smoke with heat is a confirmed fire, which raises the same incident to red.
    const incident = await waitFor(
      async () => {
        const { body } = await sut.api<IncidentView>(`/api/incidents/${opened.id}`);
        return body.grade === 'red' ? body : undefined;
      },
      2000,
      'the incident raised to red',
    );
    expect(incident).toMatchObject({ enterpriseId, status: 'dispatched', escalations: [] });
    expect(incident.substationId).toMatch(/^S[1-8]$/);
    const T = Date.parse(incident.dispatchedAt);
    expect(incident.milestones.map((m) => [m.name, Date.parse(m.dueAt) - T, m.at])).toEqual([
      ['acknowledged', TIMELINE[0] * 1000, null],
      ['onScene', TIMELINE[1] * 1000, null],
      ['underControl', TIMELINE[2] * 1000, null],
    ]);
    expect(incident.milestones.map((m) => m.met)).toEqual([null, null, null]);

    // SPEC.md: a missed milestone reads false as soon as its deadline passes, not only once the late action comes.
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(incident.milestones[0].dueAt) + 1 - Date.now())));
    const missed = await sut.api<IncidentView>(`/api/incidents/${incident.id}`);
    expect(missed.body.milestones.map((m) => [m.name, m.met])).toEqual([
      ['acknowledged', false],
      ['onScene', null],
      ['underControl', null],
    ]);

    const alarms = await sut.api(`/api/alarms?status=open&enterpriseId=${enterpriseId}`);
    expect(alarms.body.map((a: { ruleId: string }) => a.ruleId).sort()).toEqual(['smoke.alarm', 'temperature.fixed']);
    const enterprise = await sut.api(`/api/enterprises/${enterpriseId}`);
    expect(enterprise.body.grade).toBe('red');
    expect(enterprise.body.why.reasons.join(' ')).toContain('smoke');

    const escalated = await waitFor(
      async () => {
        const { body } = await sut.api<IncidentView>(`/api/incidents/${incident.id}`);
        return body.escalations.length >= 1 ? body : undefined;
      },
      TIMELINE[0] * 1000 + 2000,
      'the acknowledge escalation',
    );
    const escalation = escalated.escalations[0];
    expect(escalation.milestone).toBe('acknowledged');
    expect(escalation.backupSubstationId).toMatch(/^S[1-8]$/);
    expect(escalation.backupSubstationId).not.toBe(incident.substationId);
    const lateness = Date.parse(escalation.at) - Date.parse(incident.milestones[0].dueAt);
    expect(lateness).toBeGreaterThanOrEqual(0);
    expect(lateness).toBeLessThan(1000);
    expect(escalated.milestones[0]).toMatchObject({ at: null });
    expect(escalated.level).toBeGreaterThan(incident.level);

    await waitFor(
      () => stream.ofType('incident.escalation').some((e) => e.data.incidentId === incident.id),
      2000,
      'the escalation on the live stream',
    );
    expect(stream.ofType('alarm.raised').some((e) => e.data.enterpriseId === enterpriseId && e.data.ruleId === 'smoke.alarm')).toBe(true);
    expect(stream.ofType('incident.opened').some((e) => e.data.incidentId === incident.id)).toBe(true);
    expect(stream.ofType('grade.changed').some((e) => e.data.enterpriseId === enterpriseId && e.data.to === 'red')).toBe(true);

    // Still unanswered: re-notified every second after the escalation, twice at most.
    const renotified = await waitFor(
      () => {
        const events = stream
          .ofType('incident.renotify')
          .filter((e) => e.data.incidentId === incident.id && e.data.milestone === 'acknowledged');
        return events.length >= 2 ? events : undefined;
      },
      4000,
      'two re-notifications of the acknowledge milestone',
    );
    expect(renotified.map((e) => e.data.renotification)).toEqual([1, 2]);
    const renotifiedAt = Date.parse(escalation.at) + 1000;
    expect(renotified[0].data.at).toBeGreaterThanOrEqual(renotifiedAt);
    expect(renotified[0].data.at - renotifiedAt).toBeLessThan(1000);
  });

  it('keeps one incident per enterprise and one open alarm per device and rule when the fire goes on', async () => {
    const enterpriseId = 'E0001';
    const deviceId = await smokeDetectorOf(enterpriseId);
    for (let i = 0; i < 5; i++)
      await publish(enterpriseId, deviceId, { ts: Date.now() + i, readings: { smoke: true, temperature: 80 + i } });
    await new Promise((r) => setTimeout(r, 500));
    const open = await sut.api<IncidentView[]>(`/api/incidents?status=open&enterpriseId=${enterpriseId}`);
    expect(open.body).toHaveLength(1);
    const alarms = await sut.api(`/api/alarms?status=open&enterpriseId=${enterpriseId}`);
    expect(alarms.body).toHaveLength(2);

    const grades = await sut.api(`/api/enterprises/${enterpriseId}/grades`);
    expect(grades.body[0]).toMatchObject({ enterpriseId, to: 'red' });
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const history = await sut.api(`/api/enterprises/${enterpriseId}/readings?from=${from}&bucket=60`);
    const temperature = history.body.points.filter((p: { metric: string }) => p.metric === 'temperature');
    expect(temperature.reduce((n: number, p: { count: number }) => n + Number(p.count), 0)).toBeGreaterThanOrEqual(8);
    expect(Math.max(...temperature.map((p: { max: number }) => p.max))).toBe(84);
    expect((await sut.api('/api/enterprises/E9999/grades')).status).toBe(404);
  });

  it('takes a substation through acknowledge → arrive → resolve, recording each milestone, and refuses wrong actions with 4xx', async () => {
    const enterpriseId = 'E0002';
    const deviceId = await smokeDetectorOf(enterpriseId);
    await publish(enterpriseId, deviceId, { ts: Date.now(), readings: { smoke: true } });
    const incident = await openIncidentOf(enterpriseId);
    expect(incident.grade).toBe('orange');

    const wrongOrder = await sut.api(`/api/incidents/${incident.id}/arrive`, { method: 'POST', body: '{}' });
    expect(wrongOrder.status).toBe(409);
    expect(wrongOrder.body.code).toBe('OUT_OF_ORDER');
    const other = incident.substationId === 'S1' ? 'S2' : 'S1';
    const wrongStation = await sut.api(`/api/incidents/${incident.id}/acknowledge`, {
      method: 'POST',
      body: JSON.stringify({ substationId: other }),
    });
    expect(wrongStation.status).toBe(403);

    const ack = await sut.api<IncidentView>(`/api/incidents/${incident.id}/acknowledge`, {
      method: 'POST',
      body: JSON.stringify({ substationId: incident.substationId }),
    });
    expect(ack.status).toBe(200);
    expect(ack.body.status).toBe('acknowledged');
    expect(ack.body.milestones[0]).toMatchObject({ name: 'acknowledged', met: true, by: `operator@${incident.substationId}` });
    expect((await sut.api(`/api/incidents/${incident.id}/acknowledge`, { method: 'POST', body: '{}' })).body.code).toBe('ALREADY_DONE');

    expect((await sut.api(`/api/incidents/${incident.id}/arrive`, { method: 'POST', body: '{}' })).status).toBe(200);
    const resolved = await sut.api<IncidentView>(`/api/incidents/${incident.id}/resolve`, { method: 'POST', body: '{"outcome":"test"}' });
    expect(resolved.body.status).toBe('resolved');
    expect(resolved.body.milestones.every((m) => m.at !== null && m.met === true)).toBe(true);
    expect((await sut.api(`/api/incidents/${incident.id}/resolve`, { method: 'POST', body: '{"outcome":"test"}' })).status).toBe(409);

    await new Promise((r) => setTimeout(r, TIMELINE[2] * 1000 - (Date.now() - Date.parse(incident.dispatchedAt)) + 500));
    expect((await sut.api<IncidentView>(`/api/incidents/${incident.id}`)).body.escalations).toEqual([]);
    expect(
      stream
        .ofType('incident.milestone')
        .filter((e) => e.data.incidentId === incident.id)
        .map((e) => e.data.milestone),
    ).toEqual(['acknowledged', 'onScene', 'underControl']);
    expect(stream.ofType('incident.resolved').some((e) => e.data.incidentId === incident.id)).toBe(true);
  });

  it('gives a live-stream client that reconnects with Last-Event-ID what it missed, in order', async () => {
    const seen = stream.events.filter((e) => e.id !== undefined);
    expect(seen.length).toBeGreaterThan(4);
    const resumeAfter = seen[seen.length - 4].id!;
    const resumed = new SseRecorder();
    await resumed.open(`${sut.baseUrl}/api/stream`, { authorization: `Bearer ${TOKEN}`, 'last-event-id': resumeAfter });
    try {
      const expected = seen.filter((e) => Number(e.id) > Number(resumeAfter)).map((e) => [e.id, e.type]);
      const got = await waitFor(
        () => {
          const events = resumed.events.filter((e) => e.id !== undefined).slice(0, expected.length);
          return events.length === expected.length ? events.map((e) => [e.id, e.type]) : undefined;
        },
        3000,
        'the missed events',
      );
      expect(got).toEqual(expected);
    } finally {
      await resumed.close();
    }
  });

  it('answers 401 without a token, 404 for unknown ids and 400 for invalid input', async () => {
    expect((await sut.api('/api/incidents', { token: null })).status).toBe(401);
    expect((await sut.api('/api/incidents', { token: 'wrong' })).status).toBe(401);
    expect((await sut.api('/api/incidents/00000000-0000-0000-0000-000000000000')).status).toBe(404);
    expect((await sut.api('/api/incidents/nope/acknowledge', { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await sut.api('/api/enterprises/E9999')).status).toBe(404);
    expect((await sut.api('/api/devices/nope/readings')).status).toBe(404);
    const badQuery = await sut.api('/api/alarms?grade=purple');
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.message).toContain('grade');
    expect((await sut.api('/api/incidents?limit=-1')).status).toBe(400);
    expect((await sut.api('/api/devices/E0001-D01/readings?from=yesterday')).status).toBe(400);
    const badBody = await sut.api('/api/incidents/x/acknowledge', { method: 'POST', body: JSON.stringify({ substationId: 5 }) });
    expect(badBody.status).toBe(400);
  });

  it('dead-letters every kind of bad input with its reason and keeps working', async () => {
    const enterpriseId = 'E0003';
    const deviceId = await smokeDetectorOf(enterpriseId);
    const before = (await sut.api('/api/dead-letters/stats')).body.byReason as Record<string, number>;
    const now = Date.now();
    await publish(enterpriseId, deviceId, '{"ts": 1, "readings": {');
    await publish(enterpriseId, deviceId, { ts: now, readings: { temperature: 'hot' } });
    await publish(enterpriseId, deviceId, { ts: now, readings: { humidity: 40 } });
    await publish(enterpriseId, deviceId, { ts: now + 86_400_000, readings: { temperature: 20 } });
    await publish(enterpriseId, deviceId, 'x'.repeat(70 * 1024));
    await publish(enterpriseId, 'E0003-D99', { ts: now, readings: { temperature: 20 } });
    await publish(enterpriseId, deviceId, { ts: now, seq: 41, readings: { temperature: 20 } });
    await publish(enterpriseId, deviceId, { ts: now, seq: 41, readings: { temperature: 20 } });
    await publish(enterpriseId, deviceId, { online: 'maybe' }, 'status');

    const expected = [
      'malformed-json',
      'wrong-type',
      'unknown-metric',
      'future-timestamp',
      'oversized',
      'unknown-device',
      'duplicate',
      'invalid-payload',
    ];
    const after = await waitFor(
      async () => {
        const { body } = await sut.api('/api/dead-letters/stats');
        const byReason = body.byReason as Record<string, number>;
        return expected.every((r) => (byReason[r] ?? 0) > (before[r] ?? 0)) ? byReason : undefined;
      },
      5000,
      'a dead letter of every reason',
    );
    expect(after['malformed-json']).toBe((before['malformed-json'] ?? 0) + 1);

    const listed = await sut.api('/api/dead-letters?reason=future-timestamp');
    expect(listed.body[0]).toMatchObject({
      reason: 'future-timestamp',
      deviceId,
      topic: `sites/${enterpriseId}/devices/${deviceId}/telemetry`,
    });
    expect(listed.body[0].detail).toContain('future');

    const readings = await waitFor(
      async () => {
        const { body } = await sut.api(
          `/api/devices/${deviceId}/readings?from=${new Date(now - 60_000).toISOString()}&to=${new Date(now + 60_000).toISOString()}`,
        );
        return body.points.length > 0 ? body.points : undefined;
      },
      3000,
      'the valid reading stored',
    );
    expect(readings).toEqual([expect.objectContaining({ metric: 'temperature', avg: 20 })]);
    expect((await sut.api('/health', { token: null })).status).toBe(200);
  });

  it('fires a deadline that passed while the process was down at once after restart, saying how late', async () => {
    const enterpriseId = 'E0004';
    const deviceId = await smokeDetectorOf(enterpriseId);
    await publish(enterpriseId, deviceId, { ts: Date.now(), readings: { smoke: true } });
    const incident = await openIncidentOf(enterpriseId);
    await device.endAsync();
    await stream.close();
    await sut.stop();

    const dueAt = Date.parse(incident.milestones[0].dueAt);
    await new Promise((r) => setTimeout(r, Math.max(0, dueAt - Date.now()) + 1500));
    await sut.start();
    device = await sut.device();

    const escalated = await waitFor(
      async () => {
        const { body } = await sut.api<IncidentView>(`/api/incidents/${incident.id}`);
        return body.escalations.some((e) => e.milestone === 'acknowledged') ? body : undefined;
      },
      3000,
      'the overdue escalation after restart',
    );
    const e = escalated.escalations.find((x) => x.milestone === 'acknowledged')!;
    expect(Date.parse(e.at) - dueAt).toBeGreaterThanOrEqual(1000);
    const open = await sut.api<IncidentView[]>(`/api/incidents?status=open&enterpriseId=${enterpriseId}`);
    expect(open.body).toHaveLength(1);
  });
});
