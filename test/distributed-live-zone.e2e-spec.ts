import { connectAsync, MqttClient } from 'mqtt';
import { IncidentView } from '@app/contracts';
import { waitFor } from '@app/testing';
import { DistributedHarness, MQTT_URL, TOKEN } from '@app/testing/distributed.harness';

interface Place {
  id: string;
  substationId: string;
  detector: string;
}

/** A register change made through the command center process is used by the separate dispatch process within the second (zone.v1 on Kafka). */
describe('distributed mode: live register changes', () => {
  const sut = new DistributedHarness({ SEED_ENTERPRISES: '40' });
  let device: MqttClient;
  let places: Place[] = [];

  const api = async <T = any>(path: string, init: RequestInit = {}) => {
    const res = await fetch(sut.url('command-center', path), {
      ...init,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  const fire = async (p: Place) => {
    await device.publishAsync(
      `sites/${p.id}/devices/${p.detector}/telemetry`,
      JSON.stringify({ ts: Date.now(), readings: { smoke: true, temperature: 75 } }),
      { qos: 1 },
    );
    return waitFor(
      async () => (await api<IncidentView[]>(`/api/incidents?status=open&enterpriseId=${p.id}`)).body[0],
      15_000,
      `an open incident for ${p.id}`,
    );
  };

  beforeAll(async () => {
    await sut.createDatabase();
    await sut.start('command-center');
    await Promise.all([sut.start('ingest'), sut.start('risk-engine'), sut.start('dispatch')]);
    device = await connectAsync(MQTT_URL, { protocolVersion: 5, clientId: `device-sim-live-${sut.run}` });
    places = (
      await sut.query<{ id: string; substation_id: string; detector: string }>(
        `SELECT e.id, e.substation_id, min(d.id) AS detector FROM enterprises e JOIN devices d ON d.enterprise_id = e.id
         WHERE d.type = 'smoke_detector' GROUP BY e.id, e.substation_id ORDER BY e.id`,
      )
    ).map((r) => ({ id: r.id, substationId: r.substation_id, detector: r.detector }));
  }, 180_000);

  afterAll(async () => {
    await device?.endAsync();
    await sut.stopAll();
    await sut.dropDatabase();
  });

  it('takes a substation out of service through the command center: the dispatch process sends the next fire elsewhere within 1 s, and home again once it is back', async () => {
    const counts = new Map<string, number>();
    for (const p of places) counts.set(p.substationId, (counts.get(p.substationId) ?? 0) + 1);
    const home = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
    const area = places.filter((p) => p.substationId === home);
    const elsewhere = places.find((p) => p.substationId !== home)!;
    expect(area.length).toBeGreaterThanOrEqual(3);

    // The whole pipeline is up and warm (Kafka groups joined) before the change.
    expect((await fire(elsewhere)).assignmentReason).toBe('home-area');

    const put = await api(`/api/substations/${home}/availability`, {
      method: 'PUT',
      body: JSON.stringify({ available: false, reason: 'crew at a drill' }),
    });
    const answeredAt = Date.now();
    expect(put.status).toBe(200);
    // The next fire of the area, sent at once: the first that goes elsewhere shows the change in use.
    let away: IncidentView | undefined;
    for (const p of area.slice(0, -1)) {
      const incident = await fire(p);
      if (incident.substationId !== home) {
        away = incident;
        break;
      }
    }
    expect(away).toBeDefined();
    expect(away!.assignmentReason).toBe('home-unavailable-nearest');
    const delay = Date.parse(away!.dispatchedAt) - answeredAt;
    console.log(
      `live change applied in at most ${delay} ms (distributed: PUT answered by the command center → the dispatch process dispatched elsewhere, MQTT → ingest → risk engine → dispatch included)`,
    );
    expect(delay).toBeLessThan(1000);
    const listed = (await api<{ id: string; available: boolean; availabilityReason: string }[]>('/api/substations')).body;
    expect(listed.find((s) => s.id === home)).toMatchObject({ available: false, availabilityReason: 'crew at a drill' });

    expect(
      (await api(`/api/substations/${home}/availability`, { method: 'PUT', body: JSON.stringify({ available: true, reason: 'back' }) }))
        .status,
    ).toBe(200);
    // Sent at once: the notice has one Kafka hop to make, the fire four.
    const again = await fire(area[area.length - 1]);
    expect(again).toMatchObject({ substationId: home, assignmentReason: 'home-area' });
  });
});
