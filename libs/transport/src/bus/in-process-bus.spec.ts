import { BusMessage } from './bus';
import { InProcessBus } from './in-process-bus';

const msg = (key: string, value: number): BusMessage<number> => ({ key, value });

describe('InProcessBus', () => {
  let sut: InProcessBus;
  afterEach(() => sut.close());

  it('delivers every message to every group, in order, and shares none across groups', async () => {
    sut = new InProcessBus();
    const a: number[] = [];
    const b: number[] = [];
    await sut.subscribe<number>('t', 'a', async (ms) => void a.push(...ms.map((m) => m.value)));
    await sut.subscribe<number>('t', 'b', async (ms) => void b.push(...ms.map((m) => m.value)));
    for (let i = 0; i < 50; i++) await sut.publish('t', [msg('k', i)]);
    await sut.idle();
    expect(a).toEqual([...Array(50).keys()]);
    expect(b).toEqual(a);
  });

  it('retries a failed batch until it succeeds, without skipping or reordering', async () => {
    sut = new InProcessBus({ retryBaseMs: 1, retryMaxMs: 2 });
    const seen: number[] = [];
    let failures = 3;
    await sut.subscribe<number>('t', 'g', async (ms) => {
      if (failures-- > 0) throw new Error('database down');
      seen.push(...ms.map((m) => m.value));
    });
    await sut.publish('t', [msg('k', 1), msg('k', 2)]);
    await sut.publish('t', [msg('k', 3)]);
    await sut.idle();
    expect(seen).toEqual([1, 2, 3]);
  });

  it('hands out batches no larger than maxBatch', async () => {
    sut = new InProcessBus();
    const sizes: number[] = [];
    await sut.subscribe<number>('t', 'g', async (ms) => void sizes.push(ms.length), { maxBatch: 4 });
    await sut.publish(
      't',
      Array.from({ length: 10 }, (_, i) => msg('k', i)),
    );
    await sut.idle();
    expect(sizes).toEqual([4, 4, 2]);
  });

  it('holds publishers back while a consumer is over the high-water mark', async () => {
    sut = new InProcessBus({ highWaterMark: 5 });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    await sut.subscribe<number>('t', 'g', async () => gate, { maxBatch: 100 });
    await sut.publish(
      't',
      Array.from({ length: 5 }, (_, i) => msg('k', i)),
    );
    let published = false;
    const second = sut.publish('t', [msg('k', 99)]).then(() => (published = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(published).toBe(false);
    expect(sut.lag()).toEqual([{ topic: 't', group: 'g', lag: 5 }]);
    release();
    await second;
    expect(published).toBe(true);
  });

  it('refuses a second consumer of the same group in one process', async () => {
    sut = new InProcessBus();
    await sut.subscribe('t', 'g', async () => undefined);
    await expect(sut.subscribe('t', 'g', async () => undefined)).rejects.toThrow('already consumes');
  });
  it('resolves a durable publish only once every group has handled the messages, through retries', async () => {
    sut = new InProcessBus({ retryBaseMs: 1 });
    const events: string[] = [];
    let failures = 1;
    await sut.subscribe<number>('t', 'store', async (batch) => {
      await new Promise((r) => setTimeout(r, 20));
      if (failures-- > 0) throw new Error('database away');
      events.push(`stored ${batch.map((m) => m.value).join(',')}`);
    });
    await sut.subscribe<number>('t', 'live', async (batch) => void events.push(`live ${batch.length}`));
    await sut.publish('t', [{ key: 'a', value: 1 }]);
    events.push('plain publish returned');
    await sut.publish('t', [{ key: 'a', value: 2 }], { durable: true });
    events.push('durable publish returned');
    expect(events.indexOf('durable publish returned')).toBeGreaterThan(events.findIndex((e) => e.startsWith('stored') && e.includes('2')));
    expect(events[0]).toBe('plain publish returned');
  });

  it('rejects a durable publish still waiting when the bus closes, so nothing is acknowledged that was not handled', async () => {
    sut = new InProcessBus();
    await sut.subscribe('t', 'g', () => new Promise(() => undefined));
    const pending = sut.publish('t', [{ key: 'a', value: 1 }], { durable: true });
    await new Promise((r) => setTimeout(r, 10));
    await sut.close();
    await expect(pending).rejects.toThrow('bus closed before the message was handled');
  });
});
