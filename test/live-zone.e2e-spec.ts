import { MqttClient } from 'mqtt';
import { IncidentView } from '@app/contracts';
import { SubstationSnapshots } from '@app/incidents';
import { waitFor } from '@app/testing';
import { AllInOneHarness } from '@app/testing/all-in-one.harness';
import { AllInOneModule } from '@app/all-in-one';

interface SubstationView {
  id: string;
  available: boolean;
  availabilityReason: string | null;
  availabilityChangedAt: string | null;
}

/** A register change is live at once: a substation taken out of service gets no new incident, put back it does. */
describe('live register changes in the all-in-one', () => {
  const sut = new AllInOneHarness(AllInOneModule, { SEED_ENTERPRISES: '40' });
  let device: MqttClient;

  beforeAll(async () => {
    await sut.start();
    device = await sut.device();
  });

  afterAll(async () => {
    await device?.endAsync();
    await sut.dispose();
  });

  /** Two enterprises with a smoke detector in the area of one substation. */
  const twoOfOneArea = async () => {
    const { body } = await sut.api<{ items: { id: string; substationId: string }[] }>('/api/enterprises?limit=200');
    const withSmoke: { id: string; substationId: string; detector: string }[] = [];
    for (const e of body.items) {
      const detail = await sut.api(`/api/enterprises/${e.id}`);
      const detector = detail.body.devices.find((d: { type: string }) => d.type === 'smoke_detector');
      if (detector) withSmoke.push({ ...e, detector: detector.id });
    }
    for (const e of withSmoke) {
      const other = withSmoke.find((o) => o.id !== e.id && o.substationId === e.substationId);
      if (other) return [e, other];
    }
    throw new Error('no two enterprises with a smoke detector in one area');
  };
  const fire = async (e: { id: string; detector: string }) => {
    const ts = Date.now();
    await device.publishAsync(
      `sites/${e.id}/devices/${e.detector}/telemetry`,
      JSON.stringify({ ts, readings: { smoke: true, temperature: 75 } }),
      {
        qos: 1,
      },
    );
    return waitFor(
      async () => (await sut.api<IncidentView[]>(`/api/incidents?status=open&enterpriseId=${e.id}`)).body[0],
      5000,
      `an open incident for ${e.id}`,
    );
  };
  const setAvailability = (id: string, available: boolean, reason: string) =>
    sut.api<SubstationView>(`/api/substations/${id}/availability`, { method: 'PUT', body: JSON.stringify({ available, reason }) });

  it('takes a substation out of service with a reason: the next fire of its area goes elsewhere; put back, the next goes home', async () => {
    const [first, second] = await twoOfOneArea();
    const home = first.substationId;
    const snapshots = sut.app!.get(SubstationSnapshots);
    await snapshots.current(); // cached, as a running dispatch has it

    const out = await setAvailability(home, false, 'pump truck in the workshop');
    const answeredAt = performance.now();
    expect(out.status).toBe(200);
    expect(out.body).toMatchObject({ id: home, available: false, availabilityReason: 'pump truck in the workshop' });
    await waitFor(
      async () => ((await snapshots.current()).find((s) => s.id === home)?.available === false ? true : undefined),
      1000,
      'the change used',
    );
    const delay = performance.now() - answeredAt;
    console.log(`live change applied in ${delay.toFixed(1)} ms (embedded: PUT answered → dispatch's substation choice sees it)`);
    expect(delay).toBeLessThan(1000);

    const listed = (await sut.api<SubstationView[]>('/api/substations')).body.find((s) => s.id === home)!;
    expect(listed).toMatchObject({ available: false, availabilityReason: 'pump truck in the workshop' });
    expect(Date.parse(listed.availabilityChangedAt!)).toBeGreaterThan(Date.now() - 60_000);

    const away = await fire(first);
    expect(away.substationId).not.toBe(home);
    expect(away.assignmentReason).toBe('home-unavailable-nearest');

    const back = await setAvailability(home, true, 'repaired');
    expect(back.body).toMatchObject({ id: home, available: true, availabilityReason: 'repaired' });
    const again = await fire(second);
    expect(again.substationId).toBe(home);
    expect(again.assignmentReason).toBe('home-area');
  });

  it('refuses an invalid body and an unknown substation', async () => {
    expect((await sut.api('/api/substations/S01/availability', { method: 'PUT', body: JSON.stringify({ available: false }) })).status).toBe(
      400,
    );
    expect(
      (await sut.api('/api/substations/S01/availability', { method: 'PUT', body: JSON.stringify({ available: false, reason: ' ' }) }))
        .status,
    ).toBe(400);
    expect((await setAvailability('NOPE', false, 'x')).status).toBe(404);
  });
});
