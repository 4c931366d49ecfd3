import { AlarmEventV1, GradeChangedV1, Topics } from '@app/contracts';
import { generateZone, gradeEnterprise, standingGrade } from '@app/domain';
import { AlarmsRepository, GradeChangesRepository, ZoneRepository } from '@app/storage';
import { ManualClock } from '@app/testing';
import { RecordingBus } from '@app/testing/incident-use-case-fixture';
import { STORAGE_BACKENDS, type TestDatabase } from '@app/testing/storage-backends';
import { FindingsPublisher } from './findings-publisher';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const zone = generateZone({ enterprises: 40 });
// One with two standing hazards (yellow), one with none (blue), both from the generated zone.
const yellow = zone.enterprises.find((e) => standingGrade(e.hazards).grade === 'yellow' && !e.hazards.threeInOne)!;
const blue = zone.enterprises.find((e) => standingGrade(e.hazards).grade === 'blue' && !e.hazards.threeInOne)!;

/**
 * The risk engine as grade owner, on a real database: an enterprise has its
 * standing-hazard grade from the seed or from the baseline at start (an older
 * database), with no event; a finding is compared against that grade and,
 * when it clears, the enterprise returns to it; a hazard change regrades.
 */
describe.each(STORAGE_BACKENDS)('FindingsPublisher grading on $name', (backend) => {
  let db: TestDatabase;
  let bus: RecordingBus;
  let clock: ManualClock;
  let sut: FindingsPublisher;
  let zoneRepo: ZoneRepository;
  let alarms: AlarmsRepository;

  const grades = () => bus.published.filter((m) => m.topic === Topics.grades).map((m) => m.value as unknown as GradeChangedV1);
  const alarm = (type: AlarmEventV1['type'], id: string, enterpriseId: string, deviceId: string): AlarmEventV1 => ({
    v: 1,
    type,
    alarmId: id,
    deviceId,
    enterpriseId,
    ruleId: 'gas_lel.high',
    class: 'alarm',
    metric: 'gas_lel',
    grade: 'orange',
    value: 30,
    message: 'gas',
    raisedAt: T0,
    at: clock.now(),
    correlationId: `c-${id}`,
  });

  beforeEach(async () => {
    db = await backend.open();
    bus = new RecordingBus();
    clock = new ManualClock(T0);
    sut = new FindingsPublisher(bus, clock, new GradeChangesRepository(db.sql));
    zoneRepo = new ZoneRepository(db.sql);
    alarms = new AlarmsRepository(db.sql);
  });

  afterEach(() => db.dispose());

  it('seeds every enterprise with its standing-hazard grade, and finds nothing left to grade at start', async () => {
    await zoneRepo.seedIfEmpty(zone, gradeEnterprise, T0);
    const stored = await zoneRepo.listEnterprises();
    expect(stored).toHaveLength(zone.enterprises.length);
    for (const e of stored) {
      const { grade, reasons } = standingGrade(e.hazards);
      expect(e).toMatchObject({ grade, gradeReasons: reasons, gradeAt: new Date(T0) });
    }
    await expect(sut.gradeUngraded()).resolves.toBe(0);
    expect(bus.published).toEqual([]);
  });

  it('gives an older database its baseline once, even from two processes at once, with no event and no history', async () => {
    await zoneRepo.seedIfEmpty(zone, gradeEnterprise, T0);
    await db.sql.query('UPDATE enterprises SET grade = NULL, grade_reasons = $1::jsonb, grade_at = NULL', ['[]']);
    clock.set(T0 + 60_000);
    const other = new FindingsPublisher(bus, clock, new GradeChangesRepository(db.sql));
    const [a, b] = await Promise.all([sut.gradeUngraded(), other.gradeUngraded()]);
    expect(a + b).toBe(zone.enterprises.length);
    await expect(sut.gradeUngraded()).resolves.toBe(0);
    for (const e of await zoneRepo.listEnterprises()) {
      expect(e.grade).toBe(standingGrade(e.hazards).grade);
      expect(e.gradeAt).toEqual(new Date(clock.now()));
    }
    expect(bus.published).toEqual([]);
    expect(await db.sql.query('SELECT 1 FROM grade_changes')).toEqual([]);
  });

  it('grades a finding against the stored baseline and returns to it when the finding clears', async () => {
    await zoneRepo.seedIfEmpty(zone, gradeEnterprise, T0);
    const device = zone.devices.find((d) => d.enterpriseId === yellow.id)!;
    clock.set(T0 + 1000);
    const { alarm: raised } = await alarms.raise({
      id: 'a-1',
      deviceId: device.id,
      enterpriseId: yellow.id,
      ruleId: 'gas_lel.high',
      signalClass: 'alarm',
      metric: 'gas_lel',
      grade: 'orange',
      value: 30,
      message: 'gas',
      at: clock.now(),
      correlationId: 'c-a-1',
    });
    await sut.publish([alarm('alarm.raised', raised.id, yellow.id, device.id)]);
    expect(grades()).toEqual([expect.objectContaining({ enterpriseId: yellow.id, from: 'yellow', to: 'orange', at: clock.now() })]);

    clock.set(T0 + 2000);
    await alarms.clear(device.id, 'gas_lel.high', clock.now());
    await sut.publish([alarm('alarm.cleared', raised.id, yellow.id, device.id)]);
    expect(grades()[1]).toEqual({
      v: 1,
      type: 'grade.changed',
      enterpriseId: yellow.id,
      from: 'orange',
      to: 'yellow',
      reasons: standingGrade(yellow.hazards).reasons,
      at: clock.now(),
      correlationId: 'c-a-1',
      cause: 'finding',
    });
    await expect(zoneRepo.getEnterprise(yellow.id)).resolves.toMatchObject({
      grade: 'yellow',
      gradeReasons: standingGrade(yellow.hazards).reasons,
    });
  });

  it('regrades when standing hazards change, and says nothing when the grade stays', async () => {
    await zoneRepo.seedIfEmpty(zone, gradeEnterprise, T0);
    clock.set(T0 + 5000);
    await db.sql.query('UPDATE enterprises SET hazards = $2::jsonb WHERE id = $1', [
      blue.id,
      JSON.stringify({ ...blue.hazards, fireLaneBlocked: true, unauthorisedStructures: true }),
    ]);
    await expect(sut.hazardsChanged([blue.id], 'c-hazards')).resolves.toEqual([
      expect.objectContaining({
        enterpriseId: blue.id,
        from: 'blue',
        to: 'yellow',
        at: clock.now(),
        correlationId: 'c-hazards',
        cause: 'hazards',
      }),
    ]);
    await expect(sut.hazardsChanged([blue.id], 'c-again')).resolves.toEqual([]);
    expect(grades()).toHaveLength(1);
    await expect(zoneRepo.getEnterprise(blue.id)).resolves.toMatchObject({ grade: 'yellow', gradeAt: new Date(clock.now()) });
  });
});
