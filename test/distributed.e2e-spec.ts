import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AssignerProtocol, Kafka, logLevel } from 'kafkajs';
import { connectAsync, MqttClient } from 'mqtt';
import { IncidentView } from '@app/contracts';
import { SseRecorder, waitFor } from '@app/testing';
import { DistributedHarness, KAFKA_BROKERS, MQTT_URL, TOKEN } from '@app/testing/distributed.harness';

const TIMELINE = [3, 6, 9];

async function smokeDetectorOf(sut: DistributedHarness, enterpriseId: string): Promise<string> {
  const rows = await sut.query<{ id: string }>(
    `SELECT id FROM devices WHERE enterprise_id = $1 AND type = 'smoke_detector' ORDER BY id LIMIT 1`,
    [enterpriseId],
  );
  if (!rows[0]) throw new Error(`${enterpriseId} has no smoke detector`);
  return rows[0].id;
}

describe('distributed mode: every app its own process on Mosquitto + Kafka + PostgreSQL', () => {
  const sut = new DistributedHarness({ TIMELINE_SECONDS: TIMELINE.join(',') });
  const stream = new SseRecorder();
  let device: MqttClient;

  beforeAll(async () => {
    await sut.createDatabase();
    await sut.start('command-center');
    await Promise.all([
      sut.start('ingest'),
      sut.start('risk-engine', 'risk-engine-1'),
      sut.start('risk-engine', 'risk-engine-2'),
      sut.start('dispatch', 'dispatch-1'),
      sut.start('dispatch', 'dispatch-2'),
    ]);
    await stream.open(sut.url('command-center', '/api/stream'), { authorization: `Bearer ${TOKEN}` });
    device = await connectAsync(MQTT_URL, { protocolVersion: 5, clientId: `device-sim-${sut.run}` });
  }, 180_000);

  afterAll(async () => {
    await device?.endAsync();
    await stream.close();
    await sut.stopAll();
    await sut.dropDatabase();
  });

  it('reports its dependencies on /health in every process', async () => {
    const ingest = await fetch(sut.url('ingest', '/health')).then((r) => r.json() as Promise<any>);
    expect(ingest.checks).toMatchObject({ database: { status: 'up' }, bus: { status: 'up' }, mqttIngest: { status: 'up' } });
    const dispatch = await fetch(sut.url('dispatch-1', '/health')).then((r) => r.json() as Promise<any>);
    expect(dispatch.checks).toMatchObject({ database: { status: 'up', detail: { kind: 'pg' } }, bus: { status: 'up' } });
  });

  it('shares the telemetry partitions between the two risk-engine processes of one consumer group', async () => {
    const admin = new Kafka({ brokers: KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const group = `t${sut.run}.risk-engine.telemetry.v1`;
      const described = await waitFor(
        async () => {
          const { groups } = await admin.describeGroups([group]);
          return groups[0].state === 'Stable' && groups[0].members.length === 2 ? groups[0] : undefined;
        },
        30_000,
        'two stable members in the risk-engine group',
      );
      const assigned = described.members.map(
        (m) => AssignerProtocol.MemberAssignment.decode(m.memberAssignment)!.assignment[`t${sut.run}.telemetry.v1`] ?? [],
      );
      expect(assigned.every((partitions) => partitions.length > 0)).toBe(true);
      expect(assigned.flat().sort()).toEqual([0, 1, 2, 3]);
    } finally {
      await admin.disconnect();
    }
  });

  it('carries a fire from MQTT to one incident, seen live in the command center, and escalates each missed deadline exactly once with two dispatchers', async () => {
    const enterpriseId = 'E0001';
    const deviceId = await smokeDetectorOf(sut, enterpriseId);
    const publishedAt = Date.now();
    await device.publishAsync(
      `sites/${enterpriseId}/devices/${deviceId}/telemetry`,
      JSON.stringify({ ts: publishedAt, readings: { smoke: true, temperature: 75 } }),
      { qos: 1 },
    );

    const opened = await waitFor(
      () => stream.ofType('incident.opened').find((e) => e.data.enterpriseId === enterpriseId),
      15_000,
      'incident.opened on the live stream',
    );
    const latencyMs = Date.parse(opened.data.incident.dispatchedAt) - publishedAt;
    process.stdout.write(`distributed publish → incident dispatched: ${latencyMs} ms\n`);
    expect(latencyMs).toBeLessThan(5000);

    const incidentId: string = opened.data.incidentId;
    await waitFor(
      async () => {
        const { body } = await sut.api<IncidentView>('command-center', `/api/incidents/${incidentId}`);
        return body.escalations.length === 3 ? body : undefined;
      },
      TIMELINE[2] * 1000 + 10_000,
      'three escalations',
    );
    await new Promise((r) => setTimeout(r, 1500));
    const escalations = await sut.query<{ milestone: string }>(
      `SELECT milestone FROM incident_escalations WHERE incident_id = $1 ORDER BY at`,
      [incidentId],
    );
    expect(escalations.map((e) => e.milestone)).toEqual(['acknowledged', 'onScene', 'underControl']);
    const incidents = await sut.query(`SELECT id FROM incidents WHERE enterprise_id = $1`, [enterpriseId]);
    expect(incidents).toHaveLength(1);
    const live = stream.ofType('incident.escalation').filter((e) => e.data.incidentId === incidentId);
    expect(live.map((e) => e.data.milestone)).toEqual(['acknowledged', 'onScene', 'underControl']);
    expect(stream.ofType('alarm.raised').some((e) => e.data.enterpriseId === enterpriseId)).toBe(true);
  });

  it('follows the fire by its correlation id through the logs of every process it crossed, and shows it in the metrics', async () => {
    const opened = stream.ofType('incident.opened').find((e) => e.data.enterpriseId === 'E0001');
    const correlationId: string = opened!.data.correlationId;
    const logOf = (names: string[]) => names.map((n) => readFileSync(join(sut.logDir, `${n}.log`), 'utf8')).join('\n');
    const lines = (names: string[]) =>
      logOf(names)
        .split('\n')
        .filter((l) => l.includes(`"correlationId":"${correlationId}"`))
        .map((l) => JSON.parse(l));
    await waitFor(() => lines(['dispatch-1', 'dispatch-2']).length >= 4 || undefined, 5000, 'dispatch log lines');
    expect(lines(['risk-engine-1', 'risk-engine-2']).map((l) => l.msg)).toContainEqual(
      expect.stringMatching(/^alarm (red|orange): smoke detected/),
    );
    const dispatched = lines(['dispatch-1', 'dispatch-2']).map((l) => l.msg);
    expect(dispatched.filter((m) => m.includes('dispatched to'))).toHaveLength(1);
    expect(dispatched.filter((m) => / missed (acknowledged|onScene|underControl);/.test(m))).toHaveLength(3);

    const metrics = async (name: string) => (await fetch(sut.url(name, '/metrics'))).text();
    const risk = (await metrics('risk-engine-1')) + (await metrics('risk-engine-2'));
    const count = [...risk.matchAll(/^zone_publish_to_alarm_seconds_count (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
    expect(count).toBeGreaterThanOrEqual(1);
    expect(risk).toMatch(/^zone_bus_lag_messages\{topic="telemetry\.v1",group="risk-engine"\} \d+$/m);
    expect(await metrics('dispatch-1')).toMatch(/^zone_incidents_open\{status="dispatched"\} \d+$/m);
    expect(await metrics('ingest')).toMatch(/^zone_readings_accepted_total \d+$/m);
  });

  it('takes substation actions through the command center process', async () => {
    const enterpriseId = 'E0002';
    const deviceId = await smokeDetectorOf(sut, enterpriseId);
    await device.publishAsync(
      `sites/${enterpriseId}/devices/${deviceId}/telemetry`,
      JSON.stringify({ ts: Date.now(), readings: { smoke: true } }),
      { qos: 1 },
    );
    const opened = await waitFor(
      () => stream.ofType('incident.opened').find((e) => e.data.enterpriseId === enterpriseId),
      15_000,
      'the second incident',
    );
    const ack = await sut.api<IncidentView>('command-center', `/api/incidents/${opened.data.incidentId}/acknowledge`, {
      method: 'POST',
      body: '{}',
    });
    expect(ack.status).toBe(200);
    expect(ack.body.milestones[0].met).toBe(true);
    await waitFor(
      () => stream.ofType('incident.milestone').some((e) => e.data.incidentId === opened.data.incidentId),
      5000,
      'the milestone on the live stream',
    );
  });
});
