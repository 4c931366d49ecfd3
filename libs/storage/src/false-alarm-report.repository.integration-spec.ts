import { STORAGE_BACKENDS, type TestDatabase } from '@app/testing/storage-backends';
import { FalseAlarmReportRepository } from './false-alarm-report.repository';

const day = (d: number, h = 0) => new Date(Date.UTC(2026, 2, d, h));
const FROM = day(2);
const TO = day(3);

/** Alarm → device: D1 and D4 smoke detectors at E1, D2 a smoke detector at E2, D3 a gas detector at E3. */
const ALARMS: Array<[alarm: string, device: string, enterprise: string]> = [
  ['A1', 'D1', 'E1'],
  ['A2', 'D1', 'E1'],
  ['A6', 'D1', 'E1'],
  ['A3', 'D2', 'E2'],
  ['A7', 'D2', 'E2'],
  ['A4', 'D3', 'E3'],
  ['A5', 'D4', 'E1'],
];

interface ScriptedIncident {
  id: string;
  enterprise: string;
  substation: string;
  /** What opened it: an alarm, or a regrading of the enterprise (no device). */
  opened: string;
  resolvedAt: Date | null;
  outcome: string | null;
  cause?: string;
}

/* E1 and E2 are S1's, E3 is S2's. */
const INCIDENTS: ScriptedIncident[] = [
  { id: 'I1', enterprise: 'E1', substation: 'S1', opened: 'alarm:A1:red', resolvedAt: day(2, 1), outcome: 'false-alarm', cause: 'steam' },
  { id: 'I2', enterprise: 'E1', substation: 'S1', opened: 'alarm:A2:orange', resolvedAt: day(2, 3), outcome: 'false-alarm', cause: 'dust' },
  { id: 'I3', enterprise: 'E1', substation: 'S1', opened: 'alarm:A6:red', resolvedAt: day(2, 5), outcome: 'confirmed-fire' },
  { id: 'I4', enterprise: 'E2', substation: 'S1', opened: 'alarm:A3:red', resolvedAt: day(2, 7), outcome: 'test' },
  {
    id: 'I5',
    enterprise: 'E2',
    substation: 'S1',
    opened: 'alarm:A7:yellow',
    resolvedAt: day(2, 9),
    outcome: 'false-alarm',
    cause: 'steam',
  },
  { id: 'I6', enterprise: 'E3', substation: 'S2', opened: 'alarm:A4:red', resolvedAt: day(2, 11), outcome: 'device-fault' },
  {
    id: 'I7',
    enterprise: 'E3',
    substation: 'S2',
    opened: 'grade:E3:1:red',
    resolvedAt: day(2, 13),
    outcome: 'false-alarm',
    cause: 'unknown',
  },
  // Resolved before outcomes were recorded: counted as resolved, no part of the rate.
  { id: 'I11', enterprise: 'E3', substation: 'S2', opened: 'grade:E3:2:red', resolvedAt: day(2, 15), outcome: null },
  // Outside the period: resolved the day before, still open, resolved exactly at `to`.
  { id: 'I8', enterprise: 'E1', substation: 'S1', opened: 'alarm:A5:red', resolvedAt: day(1, 23), outcome: 'false-alarm', cause: 'steam' },
  { id: 'I9', enterprise: 'E2', substation: 'S1', opened: 'grade:E2:3:red', resolvedAt: null, outcome: null },
  { id: 'I10', enterprise: 'E3', substation: 'S2', opened: 'grade:E3:4:red', resolvedAt: TO, outcome: 'false-alarm', cause: 'dust' },
];

async function seed(db: TestDatabase): Promise<void> {
  const q = (text: string, params: unknown[]) => db.sql.query(text, params);
  for (const s of ['S1', 'S2'])
    await q(`INSERT INTO substations (id, name, lat, lon, area, capacity) VALUES ($1, $1, 30, 120, '[]'::jsonb, 2)`, [s]);
  for (const [e, s] of [
    ['E1', 'S1'],
    ['E2', 'S1'],
    ['E3', 'S2'],
  ])
    await q(
      `INSERT INTO enterprises (id, name, industry, lat, lon, substation_id, hazards) VALUES ($1, $1, 'x', 30, 120, $2, '{}'::jsonb)`,
      [e, s],
    );
  for (const [d, e, type] of [
    ['D1', 'E1', 'smoke'],
    ['D2', 'E2', 'smoke'],
    ['D3', 'E3', 'gas'],
    ['D4', 'E1', 'smoke'],
  ])
    await q(`INSERT INTO devices (id, enterprise_id, type, report_interval_s) VALUES ($1, $2, $3, 60)`, [d, e, type]);
  for (const [a, d, e] of ALARMS)
    await q(
      `INSERT INTO alarms (id, device_id, enterprise_id, rule_id, metric, grade, status, message, raised_at, updated_at, correlation_id)
       VALUES ($1, $2, $3, 'r', 'm', 'red', 'cleared', 'x', $4, $4, 'c')`,
      [a, d, e, day(1)],
    );
  for (const i of INCIDENTS)
    await q(
      `INSERT INTO incidents (id, enterprise_id, substation_id, grade, status, dispatched_at, resolved_at, assignment_reason, policy,
         opened_by_alarm_id, correlation_id, outcome, outcome_cause)
       VALUES ($1, $2, $3, 'red', $4, $5, $6, 'area', '{}'::jsonb, $7, 'c', $8, $9)`,
      [
        i.id,
        i.enterprise,
        i.substation,
        i.resolvedAt ? 'resolved' : 'onScene',
        day(1, 12),
        i.resolvedAt,
        i.opened,
        i.outcome,
        i.cause ?? null,
      ],
    );
}

/*
 * Worked out by hand from INCIDENTS, over I1-I7 and I11 (resolved in [from, to)). The rate is false alarms over the
 * resolved incidents with an outcome other than test: I4 (test) and I11 (no outcome) are not in it.
 * Zone: 8 resolved, 1 test, 4 false alarms (I1, I2, I5, I7) of 6 judged (I1, I2, I3, I5, I6, I7) = 0.667.
 */
const ZONE = { resolved: 8, tests: 1, falseAlarms: 4, falseAlarmRate: 0.667, causes: { steam: 2, dust: 1, unknown: 1 } };

describe.each(STORAGE_BACKENDS)('FalseAlarmReportRepository on $name', (backend) => {
  let db: TestDatabase;
  let sut: FalseAlarmReportRepository;

  beforeAll(async () => {
    db = await backend.open();
    await seed(db);
    sut = new FalseAlarmReportRepository(db.sql);
  });

  afterAll(() => db?.dispose());

  it('groups by device: the device of the alarm that opened the incident; a regrading has none (null, last on a tie)', async () => {
    await expect(sut.report(FROM, TO, 'device')).resolves.toEqual({
      from: FROM.toISOString(),
      to: TO.toISOString(),
      groupBy: 'device',
      zone: ZONE,
      groups: [
        // I1, I2 false alarms and I3 a fire: 2 of 3.
        { key: 'D1', resolved: 3, tests: 0, falseAlarms: 2, falseAlarmRate: 0.667, causes: { steam: 1, dust: 1 } },
        // I4 a test (out of the rate), I5 a false alarm: 1 of 1.
        { key: 'D2', resolved: 2, tests: 1, falseAlarms: 1, falseAlarmRate: 1, causes: { steam: 1 } },
        // I7 a false alarm, I11 without an outcome: 1 of 1.
        { key: null, resolved: 2, tests: 0, falseAlarms: 1, falseAlarmRate: 1, causes: { unknown: 1 } },
        // I6 a device fault: 0 of 1. (D4's only incident, I8, was resolved the day before.)
        { key: 'D3', resolved: 1, tests: 0, falseAlarms: 0, falseAlarmRate: 0, causes: {} },
      ],
    });
  });

  it('groups by enterprise, device type and substation', async () => {
    expect((await sut.report(FROM, TO, 'enterprise')).groups).toEqual([
      { key: 'E1', resolved: 3, tests: 0, falseAlarms: 2, falseAlarmRate: 0.667, causes: { steam: 1, dust: 1 } },
      { key: 'E2', resolved: 2, tests: 1, falseAlarms: 1, falseAlarmRate: 1, causes: { steam: 1 } },
      // I6, I7, I11: 1 false alarm of 2 judged.
      { key: 'E3', resolved: 3, tests: 0, falseAlarms: 1, falseAlarmRate: 0.5, causes: { unknown: 1 } },
    ]);
    expect((await sut.report(FROM, TO, 'deviceType')).groups).toEqual([
      // D1 and D2: I1-I5, 3 false alarms of 4 judged.
      { key: 'smoke', resolved: 5, tests: 1, falseAlarms: 3, falseAlarmRate: 0.75, causes: { steam: 2, dust: 1 } },
      { key: null, resolved: 2, tests: 0, falseAlarms: 1, falseAlarmRate: 1, causes: { unknown: 1 } },
      { key: 'gas', resolved: 1, tests: 0, falseAlarms: 0, falseAlarmRate: 0, causes: {} },
    ]);
    const bySubstation = await sut.report(FROM, TO, 'substation');
    expect(bySubstation.zone).toEqual(ZONE);
    expect(bySubstation.groups).toEqual([
      { key: 'S1', resolved: 5, tests: 1, falseAlarms: 3, falseAlarmRate: 0.75, causes: { steam: 2, dust: 1 } },
      { key: 'S2', resolved: 3, tests: 0, falseAlarms: 1, falseAlarmRate: 0.5, causes: { unknown: 1 } },
    ]);
  });

  it('counts a period by resolution time, from included, to excluded; an empty period has no rate', async () => {
    const dayBefore = await sut.report(day(1), FROM, 'device');
    expect(dayBefore.groups).toEqual([{ key: 'D4', resolved: 1, tests: 0, falseAlarms: 1, falseAlarmRate: 1, causes: { steam: 1 } }]);
    const nextDay = await sut.report(TO, day(4), 'enterprise');
    expect(nextDay.groups).toEqual([{ key: 'E3', resolved: 1, tests: 0, falseAlarms: 1, falseAlarmRate: 1, causes: { dust: 1 } }]);
    await expect(sut.report(day(5), day(6), 'substation')).resolves.toMatchObject({
      zone: { resolved: 0, tests: 0, falseAlarms: 0, falseAlarmRate: null, causes: {} },
      groups: [],
    });
  });
});
