import { MqttClient } from 'mqtt';
import { IncidentView } from '@app/contracts';
import { waitFor } from '@app/testing';
import { AllInOneHarness } from '@app/testing/all-in-one.harness';
import { AllInOneModule } from '@app/all-in-one';

interface AlarmView {
  id: string;
  deviceId: string;
  ruleId: string;
  class: string;
  grade: string;
  status: string;
  message: string;
}

interface MaintenanceItem {
  alarmId: string;
  deviceId: string;
  deviceType: string;
  enterpriseId: string;
  enterpriseName: string;
  ruleId: string;
  what: string;
  since: string;
}

describe('signal classes: a device fault goes to maintenance and opens no incident; a fire is a fire', () => {
  const sut = new AllInOneHarness(AllInOneModule, { TIMELINE_SECONDS: '60,180,300' });
  let device: MqttClient;
  const faultSite = 'E0004';
  const fireSite = 'E0006';
  let faultyDetector: string;
  let fireDetector: string;

  const deviceOf = async (enterpriseId: string, type: string): Promise<string> =>
    (await sut.api(`/api/enterprises/${enterpriseId}`)).body.devices.find((d: { type: string }) => d.type === type).id;
  const publish = (enterpriseId: string, deviceId: string, readings: Record<string, number | boolean>, ts = Date.now()) =>
    device.publishAsync(`sites/${enterpriseId}/devices/${deviceId}/telemetry`, JSON.stringify({ ts, readings }), { qos: 1 });
  const openAlarm = (deviceId: string, ruleId: string) =>
    waitFor(
      async () =>
        (await sut.api<AlarmView[]>(`/api/alarms?status=open&deviceId=${deviceId}`)).body.find((a) => a.ruleId === ruleId) ?? undefined,
      5000,
      `an open ${ruleId} alarm on ${deviceId}`,
    );
  const maintenance = async (query = '') => (await sut.api<MaintenanceItem[]>(`/api/maintenance${query}`)).body;
  const openIncidents = async (enterpriseId: string) =>
    (await sut.api<IncidentView[]>(`/api/incidents?status=open&enterpriseId=${enterpriseId}`)).body;

  beforeAll(async () => {
    await sut.start();
    device = await sut.device();
    faultyDetector = await deviceOf(faultSite, 'smoke_detector');
    fireDetector = await deviceOf(fireSite, 'smoke_detector');
  });

  afterAll(async () => {
    await device?.endAsync();
    await sut.dispose();
  });

  it('puts a device that reports a fault of its own on the maintenance list, and dispatches no crew for it', async () => {
    const before = Date.now();
    await publish(faultSite, faultyDetector, { smoke: false, temperature: 22, fault: true });

    const fault = await openAlarm(faultyDetector, 'device.fault');
    expect(fault).toMatchObject({ class: 'fault', grade: 'yellow' });
    const [item] = await maintenance(`?enterpriseId=${faultSite}`);
    expect(item).toMatchObject({
      alarmId: fault.id,
      deviceId: faultyDetector,
      deviceType: 'smoke_detector',
      enterpriseId: faultSite,
      ruleId: 'device.fault',
      what: fault.message,
    });
    expect(item.enterpriseName).toEqual(expect.any(String));
    expect(Date.parse(item.since)).toBeGreaterThanOrEqual(before - 1000);

    // A fire elsewhere, published after the fault: once its incident is open, dispatch has had the fault too.
    await publish(fireSite, fireDetector, { smoke: true, temperature: 30 });
    const [fire] = await waitFor(
      async () => {
        const open = await openIncidents(fireSite);
        return open.length > 0 ? open : undefined;
      },
      5000,
      'the fire incident',
    );
    expect(fire.class).toBe('fire');
    expect(await openIncidents(faultSite)).toEqual([]);
    const fireAlarm = await openAlarm(fireDetector, 'smoke.alarm');
    expect(fireAlarm.class).toBe('fire');
  });

  it('lists a low battery as a fault too, filters by class, and takes an item off the list when its fault clears', async () => {
    await publish(faultSite, faultyDetector, { battery: 8 });
    const battery = await openAlarm(faultyDetector, 'battery.low');
    expect(battery).toMatchObject({ class: 'fault', grade: 'yellow' });
    expect((await maintenance(`?enterpriseId=${faultSite}`)).map((i) => i.ruleId)).toEqual(['device.fault', 'battery.low']);

    const faults = (await sut.api<AlarmView[]>(`/api/alarms?status=open&class=fault`)).body;
    expect(faults.map((a) => a.id)).toEqual(expect.arrayContaining([battery.id]));
    expect(faults.every((a) => a.class === 'fault')).toBe(true);
    const fires = (await sut.api<AlarmView[]>(`/api/alarms?class=fire`)).body;
    expect(fires.length).toBeGreaterThan(0);
    expect(fires.every((a) => a.class === 'fire')).toBe(true);

    await publish(faultSite, faultyDetector, { battery: 95 });
    await waitFor(
      async () => ((await maintenance(`?enterpriseId=${faultSite}`)).some((i) => i.ruleId === 'battery.low') ? undefined : true),
      5000,
      'battery.low off the maintenance list',
    );
    expect(await openIncidents(faultSite)).toEqual([]);
  });

  it('refuses a bad filter with a code', async () => {
    const badClass = await sut.api('/api/alarms?class=emergency');
    expect(badClass.status).toBe(400);
    expect(badClass.body.code).toEqual(expect.any(String));
    expect((await sut.api('/api/maintenance?deviceType=toaster')).status).toBe(400);
    expect((await sut.api('/api/maintenance', { token: null })).status).toBe(401);
  });
});
