import { Topics, ZoneChangedV1 } from '@app/contracts';
import { InProcessBus } from '../bus/in-process-bus';
import { ZoneChanges } from './zone-changes';

describe('ZoneChanges', () => {
  const bus = new InProcessBus();
  const sut = new ZoneChanges(bus);
  afterAll(() => bus.close());

  const next = (kinds: Parameters<ZoneChanges['subscribe']>[1]) => {
    const seen: ZoneChangedV1['changed'][] = [];
    return { seen, ready: sut.subscribe('test', kinds, async (changed) => void seen.push(changed)) };
  };
  const settled = () => new Promise((resolve) => setTimeout(resolve, 20));

  it('publishes a notice of what changed on zone.v1, keyed zone, with its correlation id', async () => {
    const published: unknown[] = [];
    await bus.subscribe<ZoneChangedV1>(Topics.zone, 'raw', async (batch) => void published.push(...batch));
    await sut.notify({ substations: ['S01'] }, 1000, 'c-1');
    await settled();
    expect(published).toEqual([
      {
        key: 'zone',
        headers: { correlationId: 'c-1' },
        value: { v: 1, type: 'zone.changed', changed: { substations: ['S01'] }, at: 1000, correlationId: 'c-1' },
      },
    ]);
  });

  it('tells every subscriber (each its own group) only of the kinds it asked for', async () => {
    const dispatch = next(['substations', 'enterprises']);
    const ingest = next(['devices']);
    const other = next(['substations']);
    await Promise.all([dispatch.ready, ingest.ready, other.ready]);
    await sut.notify({ substations: ['S01'], devices: [] }, 1, 'c-2');
    await sut.notify({ devices: ['D1'], enterprises: ['E1'] }, 2, 'c-3');
    await settled();
    expect(dispatch.seen).toEqual([{ substations: ['S01'] }, { enterprises: ['E1'] }]);
    expect(other.seen).toEqual([{ substations: ['S01'] }]);
    expect(ingest.seen).toEqual([{ devices: ['D1'] }]);
  });

  it('logs, and does not throw, when the notice cannot go out: the write it announces is stored already', async () => {
    const broken = new ZoneChanges({ ...bus, publish: () => Promise.reject(new Error('bus down')) } as unknown as InProcessBus);
    await expect(broken.notify({ substations: ['S01'] }, 1, 'c-4')).resolves.toBeUndefined();
  });
});
