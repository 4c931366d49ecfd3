import { connectAsync, MqttClient } from 'mqtt';
import { TcpProxy, waitFor } from '@app/testing';
import { DistributedHarness, MQTT_URL } from '@app/testing/distributed.harness';

const OUTAGE_MS = 30_000;

/**
 * PostgreSQL goes away for 30 s in the middle of a stream (every connection
 * of every app is dropped and new ones are refused, through a TCP proxy the
 * apps connect to). Kafka holds what arrives meanwhile; once the database is
 * back every reading is stored exactly once, the fire that came during the
 * outage gets its one incident, and the deadlines that passed fire late and
 * say by how much.
 */
describe('distributed mode with the database unavailable for 30 s', () => {
  const proxy = new TcpProxy('127.0.0.1', 5432);
  const env: Record<string, string> = { TIMELINE_SECONDS: '8,16,24' };
  const sut = new DistributedHarness(env);
  let client: MqttClient;

  beforeAll(async () => {
    const port = await proxy.start();
    env.DATABASE_URL = sut.databaseUrl.replace(':5432/', `:${port}/`);
    await sut.createDatabase();
    await sut.start('command-center');
    await Promise.all([sut.start('ingest'), sut.start('risk-engine', 'risk'), sut.start('dispatch')]);
    client = await connectAsync(MQTT_URL, { protocolVersion: 5, clientId: `outage-sim-${sut.run}` });
  }, 180_000);

  afterAll(async () => {
    await client?.endAsync();
    await sut.stopAll();
    await proxy.stop();
    await sut.dropDatabase();
  });

  const smokeDetectorOf = async (enterpriseId: string) =>
    (
      await sut.query<{ id: string }>(`SELECT id FROM devices WHERE enterprise_id = $1 AND type = 'smoke_detector' ORDER BY id LIMIT 1`, [
        enterpriseId,
      ])
    )[0].id;
  const fire = async (enterpriseId: string) =>
    client.publishAsync(
      `sites/${enterpriseId}/devices/${await smokeDetectorOf(enterpriseId)}/telemetry`,
      JSON.stringify({ ts: Date.now(), readings: { smoke: true } }),
      { qos: 1 },
    );
  const incidentsOf = (enterpriseId: string) =>
    sut.query<{ id: string }>(`SELECT id FROM incidents WHERE enterprise_id = $1`, [enterpriseId]);

  it('loses no reading, alarm or incident, and fires the deadlines that passed meanwhile, late and saying so', async () => {
    await fire('E0003');
    const [before] = await waitFor(
      async () => ((await incidentsOf('E0003')).length ? incidentsOf('E0003') : undefined),
      15_000,
      'the incident opened before the outage',
    );
    const devices = await sut.query<{ id: string; enterpriseId: string }>(
      `SELECT id, enterprise_id AS "enterpriseId" FROM devices WHERE enterprise_id IN ('E0005', 'E0006', 'E0007', 'E0008', 'E0009') AND type IN ('smoke_detector', 'heat_detector') ORDER BY id`,
    );
    expect(devices.length).toBeGreaterThan(0);

    const cutAt = Date.now();
    proxy.cut();
    const health = await waitFor(
      async () => {
        const res = await fetch(sut.url('risk', '/health'));
        return res.status === 503 ? ((await res.json()) as any) : undefined;
      },
      10_000,
      'the risk engine to report the database down',
    );
    expect(health.checks.database.status).toBe('down');

    // While the database is away: a stream of readings and a second fire.
    const keys = new Set<string>();
    const start = Date.now() - 60_000;
    for (let i = 0; i < 10; i++) {
      for (const [n, d] of devices.entries()) {
        const ts = start + i * 1000 + n;
        await client.publishAsync(
          `sites/${d.enterpriseId}/devices/${d.id}/telemetry`,
          JSON.stringify({ ts, seq: i + 1, readings: { temperature: 20 + (i % 4) } }),
          { qos: 1 },
        );
        keys.add(`${d.id}@${ts}`);
      }
      if (i === 5) await fire('E0004');
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(await incidentsOf('E0004')).toHaveLength(0);
    await new Promise((r) => setTimeout(r, Math.max(0, cutAt + OUTAGE_MS - Date.now())));
    proxy.restore();
    const outageMs = Date.now() - cutAt;

    const ids = devices.map((d) => d.id);
    await waitFor(
      async () => {
        const [{ n }] = await sut.query<{ n: number }>(`SELECT count(*)::int AS n FROM readings WHERE device_id = ANY($1::text[])`, [ids]);
        return n >= keys.size || undefined;
      },
      90_000,
      `${keys.size} readings stored after the outage`,
    );
    const stored = await sut.query<{ device_id: string; ts: Date }>(
      `SELECT device_id, ts FROM readings WHERE device_id = ANY($1::text[])`,
      [ids],
    );
    expect(stored).toHaveLength(keys.size);
    expect(new Set(stored.map((r) => `${r.device_id}@${r.ts.getTime()}`))).toEqual(keys);

    await waitFor(async () => (await incidentsOf('E0004')).length === 1 || undefined, 60_000, 'the incident of the fire during the outage');
    const alarms = await sut.query(`SELECT id FROM alarms WHERE enterprise_id = 'E0004' AND metric = 'smoke'`);
    expect(alarms).toHaveLength(1);

    const escalations = await waitFor(
      async () => {
        const rows = await sut.query<{ milestone: string; late_by_ms: number }>(
          `SELECT milestone, late_by_ms FROM incident_escalations WHERE incident_id = $1 ORDER BY due_at`,
          [before.id],
        );
        return rows.length === 3 ? rows : undefined;
      },
      60_000,
      'the three deadlines of the first incident',
    );
    expect(escalations.map((e) => e.milestone)).toEqual(['acknowledged', 'onScene', 'underControl']);
    // The acknowledge deadline passed about 8 s into the 30 s outage: it fired when the database came back, and says how late.
    expect(escalations[0].late_by_ms).toBeGreaterThan(10_000);
    expect(escalations[0].late_by_ms).toBeLessThan(outageMs + 30_000);
    await new Promise((r) => setTimeout(r, 2000));
    expect(await incidentsOf('E0003')).toHaveLength(1);
    expect(await incidentsOf('E0004')).toHaveLength(1);
    expect(await sut.query(`SELECT 1 FROM incident_escalations WHERE incident_id = $1`, [before.id])).toHaveLength(3);
    process.stdout.write(
      `database outage ${outageMs} ms: ${keys.size} readings sent during it, ${stored.length} stored; acknowledge escalation ${escalations[0].late_by_ms} ms late\n`,
    );
  }, 240_000);
});
