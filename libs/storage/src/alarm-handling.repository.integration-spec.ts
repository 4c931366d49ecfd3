import { AlarmHandlingRepository } from './alarm-handling.repository';
import { AlarmsRepository, type RaiseAlarmInput } from './alarms.repository';
import { STORAGE_BACKENDS, type TestDatabase } from '@app/testing/storage-backends';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);

function reading(overrides: Partial<RaiseAlarmInput> = {}): RaiseAlarmInput {
  return {
    id: 'h-1',
    deviceId: 'd-h',
    enterpriseId: 'e-1',
    ruleId: 'gas_lel.high',
    signalClass: 'alarm',
    metric: 'gas_lel',
    grade: 'orange',
    value: 30,
    message: 'gas 30 %LEL',
    at: T0,
    correlationId: 'c-1',
    ...overrides,
  };
}

describe.each(STORAGE_BACKENDS)('AlarmHandlingRepository on $name', (backend) => {
  let db: TestDatabase;
  let alarms: AlarmsRepository;
  let sut: AlarmHandlingRepository;

  beforeAll(async () => {
    db = await backend.open();
    alarms = new AlarmsRepository(db.sql);
    sut = new AlarmHandlingRepository(db.sql);
  });

  afterAll(() => db.dispose());

  it('keeps the acknowledgement, assignee and comments through the risk engine updating and clearing the alarm', async () => {
    await alarms.raise(reading());
    const ack = await sut.acknowledge('h-1', T0 + 1000, 'operator', 'on it');
    expect(ack).toMatchObject({ outcome: 'changed', handling: { acknowledgedAt: new Date(T0 + 1000), acknowledgedBy: 'operator' } });
    await sut.comment('h-1', T0 + 2000, 'operator', 'called the site');
    await sut.assign('h-1', T0 + 3000, 'operator', 'Li Wei');

    await alarms.update(reading({ id: 'h-other', grade: 'red', value: 60, message: 'gas 60 %LEL', at: T0 + 4000 }));
    await alarms.clear('d-h', 'gas_lel.high', T0 + 5000);

    expect((await alarms.get('h-1'))?.status).toBe('cleared');
    const handling = (await sut.of(['h-1'])).get('h-1');
    expect(handling).toEqual({
      acknowledgedAt: new Date(T0 + 1000),
      acknowledgedBy: 'operator',
      assignee: 'Li Wei',
      assignedAt: new Date(T0 + 3000),
      assignedBy: 'operator',
      comments: [
        { kind: 'acknowledge', at: new Date(T0 + 1000), by: 'operator', text: 'on it' },
        { kind: 'comment', at: new Date(T0 + 2000), by: 'operator', text: 'called the site' },
      ],
    });
  });

  it('acknowledges once: a second acknowledgement, even in a race, changes nothing and says so', async () => {
    await alarms.raise(reading({ id: 'h-2', deviceId: 'd-h2' }));
    const results = await Promise.all([sut.acknowledge('h-2', T0 + 1000, 'first', 'a'), sut.acknowledge('h-2', T0 + 1001, 'second', 'b')]);
    expect(results.map((r) => r.outcome).sort()).toEqual(['changed', 'done']);
    const handling = (await sut.of(['h-2'])).get('h-2')!;
    expect(handling.comments).toHaveLength(1);
    expect(handling.acknowledgedBy).toBe(handling.comments[0].by);
  });

  it('assigns before an acknowledgement, and reassigns', async () => {
    await alarms.raise(reading({ id: 'h-3', deviceId: 'd-h3' }));
    await sut.assign('h-3', T0 + 1000, 'operator', 'A');
    const changed = await sut.assign('h-3', T0 + 2000, 'operator', 'B');
    expect(changed).toMatchObject({ outcome: 'changed', handling: { assignee: 'B', acknowledgedAt: null, comments: [] } });
  });

  it('refuses every change to an unknown alarm and stores nothing', async () => {
    await expect(sut.acknowledge('nope', T0, 'operator', 'x')).resolves.toEqual({ outcome: 'missing' });
    await expect(sut.comment('nope', T0, 'operator', 'x')).resolves.toEqual({ outcome: 'missing' });
    await expect(sut.assign('nope', T0, 'operator', 'x')).resolves.toEqual({ outcome: 'missing' });
    await expect(db.sql.query(`SELECT 1 FROM alarm_comments WHERE alarm_id = 'nope'`)).resolves.toEqual([]);
  });

  it('gives an alarm nobody has handled an empty handling', async () => {
    expect((await sut.of(['h-unhandled'])).get('h-unhandled')).toEqual({
      acknowledgedAt: null,
      acknowledgedBy: null,
      assignee: null,
      assignedAt: null,
      assignedBy: null,
      comments: [],
    });
    expect((await sut.of([])).size).toBe(0);
  });
});
