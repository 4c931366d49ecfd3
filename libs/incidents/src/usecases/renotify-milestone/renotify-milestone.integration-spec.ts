import { DEFAULT_TIMELINE_POLICY, escalate } from '@app/domain';
import { STORAGE_BACKENDS } from '@app/testing/storage-backends';
import { ManualClock } from '@app/testing';
import { useCaseFixture, UseCaseFixture } from '@app/testing/incident-use-case-fixture';
import { IncidentChangeMetrics } from '../../incident-change-metrics';
import { RenotifyMilestone } from './renotify-milestone';

const T0 = Date.UTC(2026, 3, 4, 9, 0, 0);
const POLICY = { ...DEFAULT_TIMELINE_POLICY, renotifyS: 30, maxRenotifications: 2 };
const ESCALATED_AT = T0 + 61_000;

describe.each(STORAGE_BACKENDS)('RenotifyMilestone on $name', (backend) => {
  let fx: UseCaseFixture;
  let clock: ManualClock;
  let sut: RenotifyMilestone;
  const command = { incidentId: 'rn-1', milestone: 'acknowledged' as const };

  beforeAll(async () => {
    fx = await useCaseFixture(backend);
    clock = new ManualClock(T0);
    sut = new RenotifyMilestone(clock, fx.timeline, new IncidentChangeMetrics());
    await fx.open('rn-1', 'E0001', T0, { policy: POLICY });
    await fx.incidents.updateTimeline('rn-1', (state) => ({ state: escalate(state, 'acknowledged', ESCALATED_AT, 'S2') }));
  });

  afterAll(() => fx?.dispose());

  it('does nothing before a re-notification is due', async () => {
    clock.set(ESCALATED_AT + 29_000);
    await expect(sut.execute(command)).resolves.toBeNull();
    expect((await fx.incidents.find('rn-1'))!.timeline.milestones[0].renotifications).toBe(0);
    expect(fx.bus.published).toEqual([]);
  });

  it('counts each due re-notification once and publishes incident.renotify with its number, up to the policy limit', async () => {
    clock.set(ESCALATED_AT + 30_000);
    const first = await sut.execute(command);
    expect(first).toMatchObject({ renotification: 1, incident: { id: 'rn-1' } });
    expect(first!.incident).toEqual(await fx.incidents.find('rn-1'));
    await expect(sut.execute(command)).resolves.toBeNull();

    clock.set(ESCALATED_AT + 60_000);
    await expect(sut.execute(command)).resolves.toMatchObject({ renotification: 2 });
    clock.set(ESCALATED_AT + 3_600_000);
    await expect(sut.execute(command)).resolves.toBeNull();

    expect(fx.bus.published.map((m) => [m.key, m.value.type, m.value.milestone, m.value.renotification, m.value.correlationId])).toEqual([
      ['rn-1', 'incident.renotify', 'acknowledged', 1, 'c-rn-1'],
      ['rn-1', 'incident.renotify', 'acknowledged', 2, 'c-rn-1'],
    ]);
    expect(fx.bus.published[1].value.incident.milestones[0]).toMatchObject({ renotifications: 2, escalatedAt: ESCALATED_AT });
    await expect(sut.execute({ incidentId: 'missing', milestone: 'acknowledged' })).resolves.toBeNull();
  });

  it('counts a re-notification it stored even when the bus then refuses its event, and fails with that refusal', async () => {
    await fx.open('rn-2', 'E0002', T0, { policy: POLICY });
    await fx.incidents.updateTimeline('rn-2', (state) => ({ state: escalate(state, 'acknowledged', ESCALATED_AT, 'S3') }));
    clock.set(ESCALATED_AT + 30_000);
    const counted = async () =>
      (await new IncidentChangeMetrics().renotifications.get()).values.find((v) => v.labels.milestone === 'acknowledged')?.value ?? 0;
    const before = await counted();
    const published = fx.bus.published.length;
    fx.bus.refusal = new Error('broker unreachable');
    try {
      await expect(sut.execute({ incidentId: 'rn-2', milestone: 'acknowledged' })).rejects.toThrow('broker unreachable');
    } finally {
      fx.bus.refusal = null;
    }
    expect((await fx.incidents.find('rn-2'))!.timeline.milestones[0].renotifications).toBe(1);
    await expect(counted()).resolves.toBe(before + 1);
    expect(fx.bus.published).toHaveLength(published);
  });
});
