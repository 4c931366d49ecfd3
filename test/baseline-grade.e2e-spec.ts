import { MqttClient } from 'mqtt';
import { IncidentView } from '@app/contracts';
import { standingGrade, type StandingHazards } from '@app/domain';
import { waitFor } from '@app/testing';
import { AllInOneHarness } from '@app/testing/all-in-one.harness';
import { AllInOneModule } from '@app/all-in-one';

const MIN = 60_000;

interface EnterpriseDetail {
  id: string;
  grade: string | null;
  hazards: StandingHazards;
  why: { reasons: string[] };
  devices: Array<{ id: string; type: string }>;
}

/**
 * Every enterprise has a grade from the first start: its standing-hazard
 * grade, blue at the least, stored with the seed and without an incident;
 * a fire raises it and, once the fire clears, the enterprise returns to it.
 */
describe('baseline grade: every enterprise graded from the start', () => {
  const sut = new AllInOneHarness(AllInOneModule);
  let device: MqttClient;

  beforeAll(async () => {
    await sut.start();
    device = await sut.device();
  });

  afterAll(async () => {
    await device?.endAsync();
    await sut.dispose();
  });

  const detail = async (id: string) => (await sut.api<EnterpriseDetail>(`/api/enterprises/${id}`)).body;

  it('gives every enterprise its standing-hazard grade at start, and opens no incident for it', async () => {
    const { body } = await sut.api<{ total: number; items: Array<{ id: string; grade: string | null }> }>('/api/enterprises?limit=100');
    expect(body.total).toBe(20);
    expect(body.items.filter((e) => e.grade === null)).toEqual([]);
    for (const e of body.items) {
      const d = await detail(e.id);
      expect({ id: e.id, grade: e.grade, reasons: d.why.reasons }).toEqual({ id: e.id, ...standingGrade(d.hazards) });
    }
    expect((await sut.api<IncidentView[]>('/api/incidents')).body).toEqual([]);
    expect((await sut.api(`/api/enterprises/${body.items[0].id}/grades`)).body).toEqual([]);
  });

  it('raises the grade on a fire and returns the enterprise to its baseline once the fire clears', async () => {
    const { body } = await sut.api<{ items: Array<{ id: string }> }>('/api/enterprises?limit=100');
    let target: EnterpriseDetail | undefined;
    for (const e of body.items) {
      const d = await detail(e.id);
      if (d.devices.some((x) => x.type === 'smoke_detector')) {
        target = d;
        break;
      }
    }
    if (!target) throw new Error('no smoke detector in the test zone');
    const baseline = standingGrade(target.hazards);
    const smoke = target.devices.find((x) => x.type === 'smoke_detector')!;
    const send = (ts: number, readings: Record<string, number | boolean>) =>
      device.publishAsync(`sites/${target.id}/devices/${smoke.id}/telemetry`, JSON.stringify({ ts, readings }), { qos: 1 });

    const t = Date.now() - 10 * MIN;
    await send(t, { smoke: true, temperature: 70 });
    await waitFor(async () => (await detail(target.id)).grade === 'red', 5000, 'red grade for the fire');
    await waitFor(
      async () => (await sut.api<IncidentView[]>(`/api/incidents?status=open&enterpriseId=${target.id}`)).body[0],
      5000,
      'an incident for the fire',
    );

    for (const dt of [10_000, 50_000, 100_000]) await send(t + dt, { smoke: false, temperature: 24 });
    await waitFor(async () => (await detail(target.id)).grade === baseline.grade, 5000, `back to ${baseline.grade}`);
    expect((await detail(target.id)).why.reasons).toEqual(baseline.reasons);
    const history = (await sut.api<Array<{ from: string | null; to: string }>>(`/api/enterprises/${target.id}/grades`)).body;
    // Compared against the stored baseline, not against "no grade"; the clearing may take one step or two.
    expect(history.at(-1)).toMatchObject({ from: baseline.grade, to: 'red' });
    expect(history[0]).toMatchObject({ to: baseline.grade });
  });
});
