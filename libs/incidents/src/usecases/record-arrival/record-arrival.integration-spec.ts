import { TimelineErrorCode } from '@app/domain';
import { STORAGE_BACKENDS } from '@app/testing/storage-backends';
import { ManualClock } from '@app/testing';
import { useCaseFixture, UseCaseFixture } from '@app/testing/incident-use-case-fixture';
import { AcknowledgeIncident } from '../acknowledge-incident/acknowledge-incident';
import { RecordArrival } from './record-arrival';

const T0 = Date.UTC(2026, 3, 2, 9, 0, 0);

describe.each(STORAGE_BACKENDS)('RecordArrival on $name', (backend) => {
  let fx: UseCaseFixture;
  let clock: ManualClock;
  let sut: RecordArrival;

  beforeAll(async () => {
    fx = await useCaseFixture(backend);
    clock = new ManualClock(T0);
    sut = new RecordArrival(clock, fx.timeline);
  });

  afterAll(() => fx?.dispose());

  it('refuses arrival before the acknowledgement (OUT_OF_ORDER), saving and publishing nothing', async () => {
    const opened = await fx.open('arr-1', 'E0001', T0);
    clock.set(T0 + 30_000);

    await expect(sut.execute({ incidentId: 'arr-1', by: 'crew' })).rejects.toMatchObject({ code: TimelineErrorCode.OutOfOrder });

    await expect(fx.incidents.find('arr-1')).resolves.toEqual(opened);
    expect(fx.bus.published).toEqual([]);
  });

  it('records a late arrival after the acknowledgement and publishes incident.milestone for onScene', async () => {
    await new AcknowledgeIncident(clock, fx.timeline).execute({ incidentId: 'arr-1', by: 'duty' });
    fx.bus.published.length = 0;
    clock.set(T0 + 200_000);

    const incident = await sut.execute({ incidentId: 'arr-1', by: 'crew@S1', substationId: 'S1' });

    expect(incident).toEqual(await fx.incidents.find('arr-1'));
    expect(incident!.timeline.status).toBe('onScene');
    expect(incident!.timeline.milestones[1]).toMatchObject({ name: 'onScene', dueAt: T0 + 180_000, at: T0 + 200_000, by: 'crew@S1' });
    expect(fx.bus.published.map((m) => [m.key, m.value.type, m.value.milestone, m.value.at, m.value.correlationId])).toEqual([
      ['arr-1', 'incident.milestone', 'onScene', T0 + 200_000, 'c-arr-1'],
    ]);
    expect(fx.bus.published[0].value.incident).toMatchObject({ status: 'onScene' });

    await expect(sut.execute({ incidentId: 'arr-1', by: 'again' })).rejects.toMatchObject({ code: TimelineErrorCode.AlreadyDone });
    await expect(sut.execute({ incidentId: 'missing', by: 'crew' })).resolves.toBeNull();
    expect(fx.bus.published).toHaveLength(1);
  });
});
