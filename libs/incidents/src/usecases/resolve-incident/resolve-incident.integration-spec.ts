import { TimelineErrorCode } from '@app/domain';
import { STORAGE_BACKENDS } from '@app/testing/storage-backends';
import { ManualClock } from '@app/testing';
import { useCaseFixture, UseCaseFixture } from '@app/testing/incident-use-case-fixture';
import { AcknowledgeIncident } from '../acknowledge-incident/acknowledge-incident';
import { RecordArrival } from '../record-arrival/record-arrival';
import { ResolveIncident } from './resolve-incident';

const T0 = Date.UTC(2026, 3, 3, 9, 0, 0);
const STEAM = { outcome: 'false-alarm', cause: 'steam', note: 'shower next to the detector' } as const;

describe.each(STORAGE_BACKENDS)('ResolveIncident on $name', (backend) => {
  let fx: UseCaseFixture;
  let clock: ManualClock;
  let sut: ResolveIncident;

  beforeAll(async () => {
    fx = await useCaseFixture(backend);
    clock = new ManualClock(T0);
    sut = new ResolveIncident(clock, fx.timeline);
  });

  afterAll(() => fx?.dispose());

  it('refuses to resolve before arrival (OUT_OF_ORDER)', async () => {
    await fx.open('res-1', 'E0001', T0);
    clock.set(T0 + 20_000);
    await new AcknowledgeIncident(clock, fx.timeline).execute({ incidentId: 'res-1', by: 'duty' });
    const acknowledged = await fx.incidents.find('res-1');
    fx.bus.published.length = 0;

    await expect(sut.execute({ incidentId: 'res-1', by: 'crew', resolution: STEAM })).rejects.toMatchObject({
      code: TimelineErrorCode.OutOfOrder,
    });

    await expect(fx.incidents.find('res-1')).resolves.toEqual(acknowledged);
    expect(fx.bus.published).toEqual([]);
  });

  it('resolves after arrival, publishing incident.milestone for underControl and then incident.resolved', async () => {
    clock.set(T0 + 150_000);
    await new RecordArrival(clock, fx.timeline).execute({ incidentId: 'res-1', by: 'crew' });
    fx.bus.published.length = 0;
    clock.set(T0 + 280_000);

    const incident = await sut.execute({ incidentId: 'res-1', by: 'crew@S1', substationId: 'S1', resolution: STEAM });

    expect(incident).toEqual(await fx.incidents.find('res-1'));
    expect(incident!.timeline).toMatchObject({ status: 'resolved', resolvedAt: T0 + 280_000 });
    expect(incident!.resolution).toEqual(STEAM);
    expect(fx.bus.published.map((m) => [m.key, m.value.type, m.value.milestone, m.headers?.correlationId])).toEqual([
      ['res-1', 'incident.milestone', 'underControl', 'c-res-1'],
      ['res-1', 'incident.resolved', undefined, 'c-res-1'],
    ]);
    expect(fx.bus.published.every((m) => m.value.incident.status === 'resolved' && m.value.at === T0 + 280_000)).toBe(true);
    expect(fx.bus.published.map((m) => m.value.incident.resolution)).toEqual([STEAM, STEAM]);
  });

  it('refuses any further action once resolved (INCIDENT_RESOLVED), and gives null for an unknown incident', async () => {
    fx.bus.published.length = 0;
    await expect(
      sut.execute({ incidentId: 'res-1', by: 'again', resolution: { outcome: 'other', cause: null, note: null } }),
    ).rejects.toMatchObject({ code: TimelineErrorCode.Resolved });
    await expect(new AcknowledgeIncident(clock, fx.timeline).execute({ incidentId: 'res-1', by: 'late' })).rejects.toMatchObject({
      code: TimelineErrorCode.Resolved,
    });
    expect((await fx.incidents.find('res-1'))!.resolution).toEqual(STEAM);
    await expect(sut.execute({ incidentId: 'missing', by: 'crew', resolution: STEAM })).resolves.toBeNull();
    expect(fx.bus.published).toEqual([]);
  });
});
