import { AlarmsRepository, type RaiseAlarmInput } from './alarms.repository';
import { STORAGE_BACKENDS, type TestDatabase } from '@app/testing/storage-backends';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);

function alarm(overrides: Partial<RaiseAlarmInput> = {}): RaiseAlarmInput {
  return {
    id: 'a-1',
    deviceId: 'd-1',
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

describe.each(STORAGE_BACKENDS)('AlarmsRepository on $name', (backend) => {
  let db: TestDatabase;
  let sut: AlarmsRepository;

  beforeAll(async () => {
    db = await backend.open();
    sut = new AlarmsRepository(db.sql);
  });

  afterAll(() => db.dispose());

  it('keeps one open alarm per device and rule when two raises race', async () => {
    for (let round = 0; round < 5; round++) {
      const ruleId = `race-${round}`;
      const results = await Promise.all([
        sut.raise(alarm({ id: `race-${round}-a`, ruleId, grade: 'yellow', at: T0 })),
        sut.raise(alarm({ id: `race-${round}-b`, ruleId, grade: 'red', at: T0 + 1 })),
      ]);

      expect(results.map((r) => r.created).sort()).toEqual([false, true]);
      expect(results[0].alarm.id).toBe(results[1].alarm.id);
      const open = await sut.list({ status: 'open', enterpriseId: 'e-1' });
      const ofRule = open.filter((a) => a.ruleId === ruleId);
      expect(ofRule).toHaveLength(1);
      expect(ofRule[0].occurrences).toBe(2);
    }
  });

  it('updates an open alarm in place and counts the occurrence', async () => {
    const first = await sut.raise(alarm());
    const second = await sut.update(alarm({ id: 'a-ignored', grade: 'red', value: 55, message: 'gas 55 %LEL', at: T0 + 5000 }));

    expect(first.created).toBe(true);
    expect(first.alarm).toEqual({
      id: 'a-1',
      deviceId: 'd-1',
      enterpriseId: 'e-1',
      ruleId: 'gas_lel.high',
      signalClass: 'alarm',
      metric: 'gas_lel',
      grade: 'orange',
      status: 'open',
      value: 30,
      message: 'gas 30 %LEL',
      raisedAt: new Date(T0),
      updatedAt: new Date(T0),
      clearedAt: null,
      occurrences: 1,
      correlationId: 'c-1',
      test: false,
    });
    expect(second.created).toBe(false);
    expect(second.alarm).toMatchObject({
      id: 'a-1',
      grade: 'red',
      value: 55,
      raisedAt: new Date(T0),
      updatedAt: new Date(T0 + 5000),
      occurrences: 2,
    });
  });

  it('clears the open alarm, after which the rule can open a new one', async () => {
    const cleared = await sut.clear('d-1', 'gas_lel.high', T0 + 60_000);

    expect(cleared).toMatchObject({ id: 'a-1', status: 'cleared', clearedAt: new Date(T0 + 60_000) });
    await expect(sut.clear('d-1', 'gas_lel.high', T0 + 61_000)).resolves.toBeNull();
    await expect(sut.get('a-1')).resolves.toMatchObject({ status: 'cleared' });

    const again = await sut.raise(alarm({ id: 'a-2', at: T0 + 120_000 }));
    expect(again).toMatchObject({ created: true, alarm: { id: 'a-2', status: 'open', occurrences: 1 } });
  });

  it('treats a redelivered raise of a cleared alarm as nothing new', async () => {
    await expect(sut.raise(alarm({ id: 'a-1', ruleId: 'other-rule' }))).resolves.toMatchObject({
      created: false,
      alarm: { id: 'a-1', status: 'cleared' },
    });
  });

  it('lists with filters and open alarms per enterprise', async () => {
    await sut.raise(alarm({ id: 'b-1', deviceId: 'd-9', enterpriseId: 'e-2', ruleId: 'co.low', grade: 'blue', value: true }));

    expect((await sut.openForEnterprise('e-2')).map((a) => [a.id, a.value])).toEqual([['b-1', 1]]);
    expect((await sut.list({ grade: 'blue' })).map((a) => a.id)).toEqual(['b-1']);
    expect((await sut.list({ status: 'cleared' })).map((a) => a.id)).toEqual(['a-1']);
    expect(await sut.list({ limit: 2, offset: 1 })).toHaveLength(2);
    expect((await sut.openAll()).every((a) => a.status === 'open')).toBe(true);
    expect(await sut.openAll()).toHaveLength(7);
    await expect(sut.get('missing')).resolves.toBeNull();
  });

  it('filters by device and pages by keyset: after an alarm, the rest of the list, ties on raise time by id', async () => {
    await sut.raise(alarm({ id: 'k-1', deviceId: 'd-k', ruleId: 'k.1', at: T0 + 900_000 }));
    await sut.raise(alarm({ id: 'k-3', deviceId: 'd-k', ruleId: 'k.3', at: T0 + 800_000 }));
    await sut.raise(alarm({ id: 'k-2', deviceId: 'd-k', ruleId: 'k.2', at: T0 + 800_000 }));
    await sut.raise(alarm({ id: 'k-4', deviceId: 'd-k', ruleId: 'k.4', at: T0 + 700_000 }));

    const all = await sut.list({ deviceId: 'd-k' });
    expect(all.map((a) => a.id)).toEqual(['k-1', 'k-2', 'k-3', 'k-4']);
    const after = (a: (typeof all)[number]) => ({ raisedAt: a.raisedAt, id: a.id });
    expect((await sut.list({ deviceId: 'd-k', after: after(all[1]), limit: 1 })).map((a) => a.id)).toEqual(['k-3']);
    expect((await sut.list({ deviceId: 'd-k', after: after(all[2]) })).map((a) => a.id)).toEqual(['k-4']);
    expect(await sut.list({ deviceId: 'd-k', after: after(all[3]) })).toEqual([]);
  });
});
