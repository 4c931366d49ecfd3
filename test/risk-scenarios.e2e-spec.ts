import { MqttClient } from 'mqtt';
import { IncidentView } from '@app/contracts';
import { waitFor } from '@app/testing';
import { AllInOneHarness } from '@app/testing/all-in-one.harness';
import { AllInOneModule } from '@app/all-in-one';

const MIN = 60_000;

/** The scenarios an expert would check a zone's grading against, each in an enterprise of its own. */
describe('risk scenarios: the grade and alarm an expert would expect', () => {
  const sut = new AllInOneHarness(AllInOneModule);
  let device: MqttClient;
  const used = new Set<string>();

  beforeAll(async () => {
    await sut.start();
    device = await sut.device();
  });

  afterAll(async () => {
    await device?.endAsync();
    await sut.dispose();
  });

  /** A device of the type in an enterprise no other scenario uses, preferring premises without standing hazards. */
  async function deviceOfType(type: string): Promise<{ enterpriseId: string; deviceId: string }> {
    const { body } = await sut.api('/api/enterprises?limit=20');
    const candidates: Array<{ enterpriseId: string; deviceId: string; hazards: number }> = [];
    for (const e of body.items) {
      if (used.has(e.id)) continue;
      const { body: detail } = await sut.api(`/api/enterprises/${e.id}`);
      const d = detail.devices.find((x: { type: string }) => x.type === type);
      const h = detail.hazards;
      const hazards = [h.threeInOne, h.multiTenant && h.tenants >= 3, h.unauthorisedStructures, h.fireLaneBlocked, h.noSprinklers].filter(
        Boolean,
      ).length;
      if (d) candidates.push({ enterpriseId: e.id, deviceId: d.id, hazards });
    }
    candidates.sort((a, b) => a.hazards - b.hazards);
    if (!candidates[0]) throw new Error(`no ${type} left in the test zone`);
    used.add(candidates[0].enterpriseId);
    return candidates[0];
  }

  const send = (target: { enterpriseId: string; deviceId: string }, ts: number, readings: Record<string, number | boolean>) =>
    device.publishAsync(`sites/${target.enterpriseId}/devices/${target.deviceId}/telemetry`, JSON.stringify({ ts, readings }), { qos: 1 });

  const openAlarms = async (enterpriseId: string) =>
    (await sut.api(`/api/alarms?status=open&enterpriseId=${enterpriseId}`)).body as Array<{ ruleId: string; grade: string }>;
  const alarm = (enterpriseId: string, ruleId: string) =>
    waitFor(async () => (await openAlarms(enterpriseId)).find((a) => a.ruleId === ruleId), 5000, `${ruleId} on ${enterpriseId}`);
  const gradeOf = async (enterpriseId: string) => (await sut.api(`/api/enterprises/${enterpriseId}`)).body.grade as string;
  const openIncident = async (enterpriseId: string) =>
    (await sut.api<IncidentView[]>(`/api/incidents?status=open&enterpriseId=${enterpriseId}`)).body[0];

  it('factory fire: smoke with a fast temperature rise → orange alarms, red (confirmed fire), an incident', async () => {
    const target = await deviceOfType('smoke_detector');
    const t = Date.now() - 5 * MIN;
    for (let i = 0; i <= 6; i++) await send(target, t + i * 10_000, { smoke: i >= 4, temperature: 24 + i * 4 });
    expect(await alarm(target.enterpriseId, 'temperature.rate-of-rise')).toMatchObject({ grade: 'orange' });
    expect(await alarm(target.enterpriseId, 'smoke.alarm')).toMatchObject({ grade: 'orange' });
    await waitFor(async () => (await gradeOf(target.enterpriseId)) === 'red', 5000, 'red grade');
    await waitFor(() => openIncident(target.enterpriseId), 5000, 'an incident');
  });

  it('slow gas leak: a steady rise is a yellow early warning before the 25 %LEL first alarm, which opens an incident', async () => {
    const target = await deviceOfType('gas_detector');
    const t = Date.now() - 30 * MIN;
    // 3 %LEL a minute: the rate rule fires once 2.5 minutes of history are there, long before 25 %LEL.
    for (let i = 0; i <= 6; i++) await send(target, t + i * 30_000, { gas_lel: 1 + i * 1.5, co: 2 });
    expect(await alarm(target.enterpriseId, 'gas_lel.rising')).toMatchObject({ grade: 'yellow' });
    expect(await openAlarms(target.enterpriseId)).not.toContainEqual(expect.objectContaining({ ruleId: 'gas_lel.high' }));
    expect(await gradeOf(target.enterpriseId)).toBe('yellow');
    expect(await openIncident(target.enterpriseId)).toBeUndefined();
    for (let i = 7; i <= 17; i++) await send(target, t + i * 30_000, { gas_lel: 1 + i * 1.5, co: 2 });
    expect(await alarm(target.enterpriseId, 'gas_lel.high')).toMatchObject({ grade: 'orange' });
    await waitFor(async () => (await gradeOf(target.enterpriseId)) === 'orange', 5000, 'orange grade');
    await waitFor(() => openIncident(target.enterpriseId), 5000, 'an incident for the leak');
  });

  it('electrical fault: leakage above 300 mA for 10 s is yellow; the cable overheating past 100 °C is orange and opens an incident', async () => {
    const target = await deviceOfType('electrical_fire_monitor');
    const t = Date.now() - 10 * MIN;
    await send(target, t, { residual_current: 340, cable_temperature: 45 });
    await send(target, t + 5_000, { residual_current: 350, cable_temperature: 52 });
    await new Promise((r) => setTimeout(r, 300));
    expect(await openAlarms(target.enterpriseId)).toEqual([]);
    await send(target, t + 12_000, { residual_current: 360, cable_temperature: 61 });
    expect(await alarm(target.enterpriseId, 'residual_current.high')).toMatchObject({ grade: 'yellow' });
    expect(await gradeOf(target.enterpriseId)).toBe('yellow');
    await send(target, t + 30_000, { residual_current: 380, cable_temperature: 104 });
    expect(await alarm(target.enterpriseId, 'cable_temperature.high')).toMatchObject({ grade: 'orange' });
    await waitFor(() => openIncident(target.enterpriseId), 5000, 'an incident for the electrical fault');
  });

  it('hydrant pressure loss: a sudden drop, then low static pressure, are yellow findings and no incident', async () => {
    const target = await deviceOfType('hydrant_monitor');
    const t = Date.now() - 20 * MIN;
    const pressures = [0.33, 0.33, 0.32, 0.25, 0.18, 0.09, 0.08, 0.08];
    for (let i = 0; i < pressures.length; i++) await send(target, t + i * 30_000, { hydrant_pressure: pressures[i] });
    expect(await alarm(target.enterpriseId, 'hydrant_pressure.sudden-drop')).toMatchObject({ grade: 'yellow' });
    expect(await alarm(target.enterpriseId, 'hydrant_pressure.low')).toMatchObject({ grade: 'yellow' });
    expect(await gradeOf(target.enterpriseId)).toBe('yellow');
    expect(await openIncident(target.enterpriseId)).toBeUndefined();
  });
});
