import { connectAsync, MqttClient } from 'mqtt';
import { IncidentView } from '@app/contracts';
import { EmbeddedProcess, waitFor } from '@app/testing';

const TOKEN = 'restart-operator-token';

/**
 * The one-machine install killed with SIGKILL mid-stream and started again on
 * its data directory: what a device had acknowledged is stored, open
 * incidents and their deadlines are intact (a deadline that passed while it
 * was down fires at once and says how late), devices reconnect by themselves,
 * and the same alarm delivered again opens no second incident.
 */
describe('the embedded system killed with SIGKILL and restarted', () => {
  const sut = new EmbeddedProcess('embedded-restart', TOKEN, { SEED_ENTERPRISES: '20', TIMELINE_SECONDS: '5,60,120' });
  let device: MqttClient;

  beforeAll(async () => {
    await sut.start();
    device = await connectAsync(`mqtt://127.0.0.1:${sut.mqttPort}`, {
      protocolVersion: 4,
      clientId: 'kill-test-device',
      reconnectPeriod: 300,
    });
  }, 120_000);

  afterAll(async () => {
    device?.end(true);
    await sut.dispose();
  });

  const devicesOf = async (enterpriseId: string) =>
    (await sut.api(`/api/enterprises/${enterpriseId}`)).body.devices as Array<{ id: string; type: string }>;

  it('keeps every acknowledged reading, the open incident and its deadlines, and opens no duplicate', async () => {
    const [detector] = (await devicesOf('E0003')).filter((d) => d.type === 'smoke_detector');
    const fireMessage = JSON.stringify({ ts: Date.now(), seq: 1, readings: { smoke: true } });
    await device.publishAsync(`sites/E0003/devices/${detector.id}/telemetry`, fireMessage, { qos: 1 });
    const incident = await waitFor(
      async () => (await sut.api<IncidentView[]>('/api/incidents?status=open&enterpriseId=E0003')).body[0],
      10_000,
      'the incident',
    );

    // A burst of readings, each acknowledged by the broker, then SIGKILL right after the last acknowledgement.
    const sensors = (
      await Promise.all(
        ['E0005', 'E0006', 'E0007'].map(async (enterpriseId) => (await devicesOf(enterpriseId)).map((d) => ({ ...d, enterpriseId }))),
      )
    )
      .flat()
      .filter((d) => d.type === 'heat_detector' || d.type === 'smoke_detector');
    const start = Date.now() - 120_000;
    const sent = new Map<string, number>();
    await Promise.all(
      sensors.map(async (d, n) => {
        for (let i = 0; i < 20; i++) {
          await device.publishAsync(
            `sites/${d.enterpriseId}/devices/${d.id}/telemetry`,
            JSON.stringify({ ts: start + i * 1000 + n, readings: { temperature: 20 + (i % 3) } }),
            { qos: 1 },
          );
          sent.set(d.id, (sent.get(d.id) ?? 0) + 1);
        }
      }),
    );
    await sut.kill();
    const killedAt = Date.now();
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(incident.milestones[0].dueAt) + 1000 - Date.now())));

    const restartMs = await sut.start();
    const after = await waitFor(
      async () => {
        const { body } = await sut.api<IncidentView>(`/api/incidents/${incident.id}`);
        return body.escalations.length > 0 ? body : undefined;
      },
      10_000,
      'the deadline that passed while the process was down',
    );
    expect(after.status).toBe('dispatched');
    expect(after.escalations[0]).toMatchObject({ milestone: 'acknowledged' });
    expect(after.milestones[1]).toMatchObject({ name: 'onScene', at: null, dueAt: incident.milestones[1].dueAt });

    let stored = 0;
    for (const d of sensors) {
      const { body } = await sut.api(
        `/api/devices/${d.id}/readings?from=${new Date(start - 1000).toISOString()}&to=${new Date(start + 60_000).toISOString()}`,
      );
      expect({ device: d.id, stored: body.points.length }).toEqual({ device: d.id, stored: sent.get(d.id) });
      stored += body.points.length;
    }

    // The device reconnects by itself; the same fire message again, and a new one, join the open incident.
    await waitFor(() => device.connected || undefined, 10_000, 'the device to reconnect');
    await device.publishAsync(`sites/E0003/devices/${detector.id}/telemetry`, fireMessage, { qos: 1 });
    await device.publishAsync(
      `sites/E0003/devices/${detector.id}/telemetry`,
      JSON.stringify({ ts: Date.now(), seq: 2, readings: { smoke: true } }),
      { qos: 1 },
    );
    await new Promise((r) => setTimeout(r, 1500));
    const all = (await sut.api<IncidentView[]>('/api/incidents?enterpriseId=E0003')).body;
    expect(all.map((i) => i.id)).toEqual([incident.id]);
    process.stdout.write(
      `SIGKILL: ${stored} acknowledged readings, ${stored} stored after restart (${restartMs} ms to healthy); deadline fired ${after.escalations[0].at} for due ${after.escalations[0].dueAt}, killed at ${new Date(killedAt).toISOString()}\n`,
    );
  }, 180_000);
});
