import { randomUUID } from 'node:crypto';
import { gradeEnterprise } from '@app/domain';
import { STORAGE_BACKENDS, type TestDatabase } from '@app/testing/storage-backends';
import { AlarmsRepository } from './alarms.repository';
import { DevicePresenceRepository } from './device-presence.repository';
import { GradeChangesRepository } from './grade-changes.repository';
import { OperatingModesRepository } from './operating-modes.repository';
import { RuleStatesRepository } from './rule-states.repository';
import { ZoneRepository } from './zone.repository';
import type { ZoneSeedInput } from './zone-seed-input';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const MIN = 60_000;
const HAZARDS = {
  threeInOne: false,
  multiTenant: false,
  tenants: 1,
  unauthorisedStructures: false,
  fireLaneBlocked: false,
  noSprinklers: false,
};

const ZONE: ZoneSeedInput = {
  substations: [
    { id: 's-1', name: 'S1', location: { lat: 30, lon: 120 }, area: { minLat: 29, minLon: 119, maxLat: 31, maxLon: 121 }, capacity: 2 },
  ],
  enterprises: ['e-1', 'e-2'].map((id) => ({
    id,
    name: id,
    industry: 'textiles',
    location: { lat: 30, lon: 120 },
    substationId: 's-1',
    hazards: HAZARDS,
  })),
  devices: ['e-1-d-0', 'e-1-d-1', 'e-2-d-0'].map((id) => ({
    id,
    enterpriseId: id.slice(0, 3),
    type: 'smoke_detector' as const,
    reportIntervalS: 10,
  })),
};

describe.each(STORAGE_BACKENDS)('OperatingModesRepository on $name', (backend) => {
  let db: TestDatabase;
  let sut: OperatingModesRepository;
  let alarms: AlarmsRepository;
  let ruleStates: RuleStatesRepository;
  let grades: GradeChangesRepository;
  let presence: DevicePresenceRepository;
  let zone: ZoneRepository;

  const raise = (deviceId: string, test = false, ruleId = 'smoke') =>
    alarms.raise({
      id: randomUUID(),
      deviceId,
      enterpriseId: deviceId.slice(0, 3),
      ruleId,
      signalClass: 'fire',
      metric: 'smoke',
      grade: 'red',
      value: true,
      message: 'smoke',
      at: T0,
      correlationId: 'c',
      test,
    });
  const openOf = async (enterpriseId: string) => (await alarms.openForEnterprise(enterpriseId)).map((a) => [a.deviceId, a.test]);

  beforeAll(async () => {
    db = await backend.open();
    sut = new OperatingModesRepository(db.sql);
    alarms = new AlarmsRepository(db.sql);
    ruleStates = new RuleStatesRepository(db.sql);
    grades = new GradeChangesRepository(db.sql);
    presence = new DevicePresenceRepository(db.sql);
    zone = new ZoneRepository(db.sql);
  });

  beforeEach(async () => {
    await db.sql.exec('TRUNCATE alarms, rule_states, devices, enterprises, substations CASCADE');
    await zone.seedIfEmpty(ZONE, gradeEnterprise, T0);
  });

  afterAll(() => db.dispose());

  it('stores a mode with who set it, and returns null for an unknown device or enterprise', async () => {
    const change = await sut.set('device', 'e-1-d-0', { mode: 'test', until: T0 + MIN, reason: 'drill' }, 'Ops', T0);
    expect(change).toMatchObject({
      target: 'device',
      id: 'e-1-d-0',
      enterpriseId: 'e-1',
      before: { mode: 'normal', until: null, reason: null, setBy: null, setAt: null },
      after: { mode: 'test', until: new Date(T0 + MIN), reason: 'drill', setBy: 'Ops', setAt: new Date(T0) },
      deviceIds: ['e-1-d-0'],
    });
    await expect(sut.get('device', 'e-1-d-0')).resolves.toEqual(change!.after);
    await expect(sut.set('device', 'nope', { mode: 'normal', until: null, reason: null }, 'Ops', T0)).resolves.toBeNull();
    await expect(sut.set('enterprise', 'nope', { mode: 'normal', until: null, reason: null }, 'Ops', T0)).resolves.toBeNull();
    await expect(sut.get('device', 'nope')).resolves.toBeNull();
  });

  it('disabling a device clears its open alarms and its rule state, and leaves the other devices alone', async () => {
    await raise('e-1-d-0');
    await raise('e-1-d-1');
    await ruleStates.save(
      [
        { deviceId: 'e-1-d-0', state: { a: 1 } },
        { deviceId: 'e-1-d-1', state: { a: 2 } },
      ],
      new Date(T0),
    );
    const change = await sut.set('device', 'e-1-d-0', { mode: 'disabled', until: T0 + MIN, reason: 'repair' }, 'Ops', T0 + 1000);
    expect(change!.cleared.map((a) => [a.deviceId, a.status, a.clearedAt])).toEqual([['e-1-d-0', 'cleared', new Date(T0 + 1000)]]);
    expect(await openOf('e-1')).toEqual([['e-1-d-1', false]]);
    expect([...(await ruleStates.load(['e-1-d-0', 'e-1-d-1'])).keys()]).toEqual(['e-1-d-1']);
  });

  it('an enterprise mode governs all its devices: test clears their real alarms, back to normal clears their test alarms', async () => {
    await raise('e-1-d-0');
    await raise('e-2-d-0');
    const toTest = await sut.set('enterprise', 'e-1', { mode: 'test', until: T0 + MIN, reason: 'drill' }, 'Ops', T0);
    expect(toTest!.deviceIds).toEqual(['e-1-d-0', 'e-1-d-1']);
    expect(toTest!.cleared.map((a) => a.deviceId)).toEqual(['e-1-d-0']);
    await raise('e-1-d-1', true);
    expect(await openOf('e-1')).toEqual([['e-1-d-1', true]]);
    const back = await sut.set('enterprise', 'e-1', { mode: 'normal', until: null, reason: null }, 'Ops', T0 + 1000);
    expect(back!.cleared.map((a) => [a.deviceId, a.test])).toEqual([['e-1-d-1', true]]);
    expect(await openOf('e-2')).toEqual([['e-2-d-0', false]]);
  });

  it('test alarms never count in the grade', async () => {
    await sut.set('device', 'e-1-d-0', { mode: 'test', until: T0 + MIN, reason: 'drill' }, 'Ops', T0);
    await raise('e-1-d-0', true);
    await expect(grades.regrade('e-1', gradeEnterprise, T0, 'c')).resolves.toBeNull();
    await raise('e-1-d-1');
    await expect(grades.regrade('e-1', gradeEnterprise, T0, 'c')).resolves.toMatchObject({ to: 'red' });
  });

  it('lists only modes still in force, and expires only those whose until has passed', async () => {
    await sut.set('device', 'e-1-d-0', { mode: 'test', until: T0 + MIN, reason: 'drill' }, 'Ops', T0);
    await sut.set('enterprise', 'e-2', { mode: 'disabled', until: T0 + 2 * MIN, reason: 'works' }, 'Ops', T0);
    const inForce = await sut.inForce(T0 + MIN);
    expect([...inForce.devices]).toEqual([]);
    expect([...inForce.enterprises]).toEqual([['e-2', { mode: 'disabled', until: T0 + 2 * MIN }]]);
    await expect(sut.expired(T0 + MIN)).resolves.toEqual([{ target: 'device', id: 'e-1-d-0' }]);
    await expect(sut.expire('enterprise', 'e-2', 'mode expiry', T0 + MIN)).resolves.toBeNull();
    await raise('e-1-d-0', true);
    const ended = await sut.expire('device', 'e-1-d-0', 'mode expiry', T0 + MIN);
    expect(ended).toMatchObject({ before: { mode: 'test' }, after: { mode: 'normal', until: null, setBy: 'mode expiry' } });
    expect(ended!.cleared.map((a) => a.test)).toEqual([true]);
    await expect(sut.expire('device', 'e-1-d-0', 'mode expiry', T0 + MIN)).resolves.toBeNull();
    await expect(sut.expired(T0 + 2 * MIN)).resolves.toEqual([{ target: 'enterprise', id: 'e-2' }]);
  });

  it('the offline sweep skips a disabled device and flags a test device with a test alarm', async () => {
    await zone.setDeviceSeen(ZONE.devices.map((d) => ({ deviceId: d.id, at: T0, online: true })));
    await sut.set('enterprise', 'e-2', { mode: 'disabled', until: T0 + 10 * MIN, reason: 'works' }, 'Ops', T0);
    await sut.set('device', 'e-1-d-0', { mode: 'test', until: T0 + 10 * MIN, reason: 'drill' }, 'Ops', T0);
    const flagged = await presence.markSilentDevicesOffline(T0 + MIN, T0, 10, (d) => ({
      id: randomUUID(),
      deviceId: d.id,
      enterpriseId: d.enterpriseId,
      ruleId: 'offline',
      signalClass: 'fault',
      metric: 'offline',
      grade: 'blue',
      value: null,
      message: 'silent',
      at: T0 + MIN,
      correlationId: 'c',
    }));
    expect(flagged.map((f) => [f.device.id, f.alarm.test]).sort()).toEqual([
      ['e-1-d-0', true],
      ['e-1-d-1', false],
    ]);
  });
});
