import { Topics } from '@app/contracts';
import type { DispatchConfig } from '@app/config';
import type { InspectionsRepository, OverdueHazard } from '@app/storage';
import { ManualClock } from '@app/testing/manual-clock';
import type { Bus, BusMessage } from '@app/transport';
import { OverdueHazardSweeper } from './overdue-hazard-sweeper';

const NOW = Date.UTC(2026, 11, 2, 9, 0, 0);

function hazard(i: number): OverdueHazard {
  return {
    id: `H${i}`,
    inspectionId: 'N1',
    enterpriseId: `E${i % 2}`,
    substationId: 'S1',
    kind: 'fire-lane-blocked',
    severity: 'orange',
    note: '',
    status: 'open',
    deadline: new Date(NOW - 1000),
    responsibleContactId: 'C1',
    openedAt: new Date(NOW - 73 * 3_600_000),
    rectifiedAt: null,
    rectifiedBy: null,
    rectifiedNote: null,
    verifiedAt: null,
    verifiedBy: null,
    reopenCount: 0,
    overdueNotifiedAt: null,
  };
}

/** Hands out the overdue hazards a batch at a time, as the repository's claim does, recording what was published during each claim. */
function setup(overdue: number, publish: (messages: BusMessage<unknown>[]) => Promise<void> = () => Promise.resolve()) {
  const pending = Array.from({ length: overdue }, (_, i) => hazard(i));
  const claims: { now: number; limit: number; publishedDuringClaim: number }[] = [];
  const published: BusMessage<unknown>[] = [];
  const bus = {
    publish: (topic: string, messages: BusMessage<unknown>[]) => {
      expect(topic).toBe(Topics.hazards);
      published.push(...messages);
      return publish(messages);
    },
  } as unknown as Bus;
  const inspections = {
    claimOverdue: async (now: number, limit: number, announce: (hs: OverdueHazard[]) => Promise<void>) => {
      const batch = pending.slice(0, limit);
      const before = published.length;
      if (batch.length > 0) await announce(batch);
      pending.splice(0, batch.length);
      claims.push({ now, limit, publishedDuringClaim: published.length - before });
      return batch;
    },
  } as unknown as InspectionsRepository;
  const config = { hazardSweepMs: 1000 } as DispatchConfig;
  return { sut: new OverdueHazardSweeper(config, new ManualClock(NOW), bus, inspections), claims, published, pending };
}

describe('OverdueHazardSweeper', () => {
  it('announces every claimed hazard inside its claim, keyed by enterprise, with the hazard as the bus carries it', async () => {
    const { sut, claims, published } = setup(2);
    await expect(sut.sweep()).resolves.toBe(2);
    expect(claims).toEqual([{ now: NOW, limit: 100, publishedDuringClaim: 2 }]);
    expect(published[0]).toEqual({
      key: 'E0',
      headers: { correlationId: expect.any(String) },
      value: {
        v: 1,
        type: 'hazard.overdue',
        hazard: {
          id: 'H0',
          inspectionId: 'N1',
          enterpriseId: 'E0',
          substationId: 'S1',
          kind: 'fire-lane-blocked',
          severity: 'orange',
          status: 'open',
          deadline: NOW - 1000,
          responsibleContactId: 'C1',
          openedAt: NOW - 73 * 3_600_000,
          reopenCount: 0,
        },
        at: NOW,
        correlationId: (published[0].headers as { correlationId: string }).correlationId,
      },
    });
  });

  it('claims batch after batch until one comes back short', async () => {
    const { sut, claims } = setup(230);
    await expect(sut.sweep()).resolves.toBe(230);
    expect(claims.map((c) => c.publishedDuringClaim)).toEqual([100, 100, 30]);
  });

  it('fails the sweep when the bus refuses, so the claim is not kept and the next sweep tells again', async () => {
    const { sut, pending } = setup(3, () => Promise.reject(new Error('bus down')));
    await expect(sut.sweep()).rejects.toThrow('bus down');
    expect(pending).toHaveLength(3);
  });
});
