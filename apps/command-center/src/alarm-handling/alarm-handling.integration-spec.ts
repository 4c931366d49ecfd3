import { AlarmHandledV1, Topics } from '@app/contracts';
import { AlarmHandlingRepository, AlarmsRepository } from '@app/storage';
import { ManualClock, waitFor } from '@app/testing';
import { STORAGE_BACKENDS, type TestDatabase } from '@app/testing/storage-backends';
import { InProcessBus } from '@app/transport';
import { AlarmViews } from '../api/alarm-views';
import { AcknowledgeAlarm } from './acknowledge-alarm';
import { AlarmHandledPublisher } from './alarm-handled.publisher';
import { AssignAlarm } from './assign-alarm';
import { CommentOnAlarm } from './comment-on-alarm';

const T0 = Date.UTC(2026, 4, 6, 7, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

describe.each(STORAGE_BACKENDS.slice(0, 1))('the alarm handling use cases on $name', (backend) => {
  let db: TestDatabase;
  const bus = new InProcessBus();
  const published: AlarmHandledV1[] = [];
  const clock = new ManualClock(T0);
  let acknowledge: AcknowledgeAlarm;
  let comment: CommentOnAlarm;
  let assign: AssignAlarm;
  const command = { alarmId: 'a-1', by: 'duty operator', correlationId: 'c-1' };

  beforeAll(async () => {
    db = await backend.open();
    const alarms = new AlarmsRepository(db.sql);
    const handling = new AlarmHandlingRepository(db.sql);
    const views = new AlarmViews(alarms, handling);
    const publisher = new AlarmHandledPublisher(bus);
    acknowledge = new AcknowledgeAlarm(clock, handling, views, publisher);
    comment = new CommentOnAlarm(clock, handling, views, publisher);
    assign = new AssignAlarm(clock, handling, views, publisher);
    await bus.subscribe<AlarmHandledV1>(Topics.alarmHandling, 'spec', (batch) => {
      published.push(...batch.map((m) => m.value));
      return Promise.resolve();
    });
    await alarms.raise({
      id: 'a-1',
      deviceId: 'd-1',
      enterpriseId: 'E0001',
      ruleId: 'gas_lel.high',
      signalClass: 'alarm',
      metric: 'gas_lel',
      grade: 'orange',
      value: 30,
      message: 'gas 30 %LEL',
      at: T0 - 60_000,
      correlationId: 'c-0',
    });
  });

  afterAll(async () => {
    await bus.close();
    await db.dispose();
  });

  it('acknowledges at the clock time, once, and announces only the change', async () => {
    const first = await acknowledge.execute({ ...command, note: 'on it' });
    expect(first).toMatchObject({
      outcome: 'changed',
      alarm: { acknowledgedAt: iso(T0), acknowledgedBy: 'duty operator', comments: [{ kind: 'acknowledge', at: iso(T0), text: 'on it' }] },
    });
    clock.advance(1000);
    await expect(acknowledge.execute({ ...command, by: 'someone else', note: null })).resolves.toMatchObject({
      outcome: 'done',
      alarm: { acknowledgedBy: 'duty operator' },
    });
    await waitFor(() => published.length === 1, 1000, 'the acknowledgement on alarm-handling.v1');
    expect(published[0]).toMatchObject({
      v: 1,
      type: 'alarm.acknowledged',
      alarmId: 'a-1',
      enterpriseId: 'E0001',
      by: 'duty operator',
      at: T0,
      correlationId: 'c-1',
      handling: { acknowledgedAt: T0 },
    });
  });

  it('comments and assigns at the clock time, each announced', async () => {
    clock.set(T0 + 5000);
    await comment.execute({ ...command, text: 'called the site' });
    clock.set(T0 + 6000);
    const assigned = await assign.execute({ ...command, to: 'Li Wei' });
    expect(assigned).toMatchObject({
      outcome: 'changed',
      alarm: { assignee: 'Li Wei', assignedAt: iso(T0 + 6000), assignedBy: 'duty operator' },
    });
    await waitFor(() => published.length === 3, 1000, 'the comment and the assignment on alarm-handling.v1');
    expect(published.slice(1).map((e) => [e.type, e.at])).toEqual([
      ['alarm.commented', T0 + 5000],
      ['alarm.assigned', T0 + 6000],
    ]);
  });

  it('says missing for an unknown alarm and announces nothing', async () => {
    await expect(comment.execute({ ...command, alarmId: 'nope', text: 'x' })).resolves.toEqual({ outcome: 'missing' });
    await expect(assign.execute({ ...command, alarmId: 'nope', to: 'x' })).resolves.toEqual({ outcome: 'missing' });
    await expect(acknowledge.execute({ ...command, alarmId: 'nope', note: null })).resolves.toEqual({ outcome: 'missing' });
    expect(published).toHaveLength(3);
  });
});
