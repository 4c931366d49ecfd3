import { TimelineError, TimelineErrorCode } from '@app/domain';
import { STORAGE_BACKENDS } from '@app/testing/storage-backends';
import { ManualClock } from '@app/testing';
import { useCaseFixture, UseCaseFixture } from '@app/testing/incident-use-case-fixture';
import { AcknowledgeIncident } from './acknowledge-incident';

const T0 = Date.UTC(2026, 3, 1, 9, 0, 0);

describe.each(STORAGE_BACKENDS)('AcknowledgeIncident on $name', (backend) => {
  let fx: UseCaseFixture;
  let clock: ManualClock;
  let sut: AcknowledgeIncident;

  beforeAll(async () => {
    fx = await useCaseFixture(backend);
    clock = new ManualClock(T0);
    sut = new AcknowledgeIncident(clock, fx.timeline);
  });

  afterAll(() => fx?.dispose());

  it('records the acknowledgement, saves it and publishes incident.milestone with the incident and its correlation id', async () => {
    await fx.open('ack-1', 'E0001', T0, { substationId: 'S2' });
    clock.set(T0 + 40_000);

    const incident = await sut.execute({ incidentId: 'ack-1', by: 'duty@S2', substationId: 'S2' });

    expect(incident).toEqual(await fx.incidents.find('ack-1'));
    expect(incident!.timeline.status).toBe('acknowledged');
    expect(incident!.timeline.milestones[0]).toMatchObject({ name: 'acknowledged', at: T0 + 40_000, by: 'duty@S2' });
    expect(fx.bus.published).toHaveLength(1);
    const [message] = fx.bus.published;
    expect(message).toMatchObject({ topic: 'incidents.v2', key: 'ack-1', headers: { correlationId: 'c-ack-1' } });
    expect(message.value).toMatchObject({
      v: 2,
      type: 'incident.milestone',
      milestone: 'acknowledged',
      incidentId: 'ack-1',
      enterpriseId: 'E0001',
      substationId: 'S2',
      at: T0 + 40_000,
      correlationId: 'c-ack-1',
      incident: { id: 'ack-1', status: 'acknowledged', dispatchedAt: T0, alarmIds: ['alarm-ack-1'] },
    });
    expect(message.value.incident.milestones[0]).toEqual({
      name: 'acknowledged',
      dueAt: T0 + 60_000,
      at: T0 + 40_000,
      by: 'duty@S2',
      escalatedAt: null,
      renotifications: 0,
    });
    expect(JSON.parse(JSON.stringify(message.value))).toEqual(message.value);
  });

  it('refuses a second acknowledgement (ALREADY_DONE) and a substation not on the incident (WRONG_SUBSTATION), saving and publishing nothing', async () => {
    fx.bus.published.length = 0;
    const before = await fx.incidents.find('ack-1');
    clock.set(T0 + 50_000);

    await expect(sut.execute({ incidentId: 'ack-1', by: 'again' })).rejects.toMatchObject({ code: TimelineErrorCode.AlreadyDone });
    await fx.open('ack-2', 'E0002', T0, { substationId: 'S3' });
    const error = await sut.execute({ incidentId: 'ack-2', by: 'S4', substationId: 'S4' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimelineError);
    expect(error).toMatchObject({ code: TimelineErrorCode.WrongSubstation });

    await expect(fx.incidents.find('ack-1')).resolves.toEqual(before);
    expect((await fx.incidents.find('ack-2'))!.timeline.status).toBe('dispatched');
    expect(fx.bus.published).toEqual([]);
  });

  it('gives null for an incident that does not exist', async () => {
    await expect(sut.execute({ incidentId: 'missing', by: 'x' })).resolves.toBeNull();
    expect(fx.bus.published).toEqual([]);
  });
});
