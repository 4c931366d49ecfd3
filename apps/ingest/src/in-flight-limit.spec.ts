import { InFlightLimit } from './in-flight-limit';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const ticks = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

describe('InFlightLimit', () => {
  it('runs at most max tasks at once and starts the rest in arrival order as slots free up', async () => {
    const sut = new InFlightLimit(3);
    const gates = Array.from({ length: 10 }, deferred);
    const started: number[] = [];
    const done = gates.map((g, i) =>
      sut.run(async () => {
        started.push(i);
        await g.promise;
        return i;
      }),
    );

    expect(started).toEqual([0, 1, 2]);
    expect([sut.inFlight, sut.waiting]).toEqual([3, 7]);
    gates[1].resolve();
    await ticks();
    expect(started).toEqual([0, 1, 2, 3]);
    expect([sut.inFlight, sut.waiting]).toEqual([3, 6]);

    gates.forEach((g) => g.resolve());
    await expect(Promise.all(done)).resolves.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([sut.inFlight, sut.waiting]).toEqual([0, 0]);
  });

  it('frees the slot of a task that fails, and passes the failure on', async () => {
    const sut = new InFlightLimit(1);
    const failed = sut.run(async () => {
      throw new Error('bus refused');
    });
    const next = sut.run(async () => 'ran');
    await expect(failed).rejects.toThrow('bus refused');
    await expect(next).resolves.toBe('ran');
    expect(sut.inFlight).toBe(0);
  });

  it('never has more than max running under a churn of 20,000 tasks', async () => {
    const sut = new InFlightLimit(16);
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20_000 }, (_, i) =>
        sut.run(async () => {
          peak = Math.max(peak, ++running);
          if (i % 3 === 0) await new Promise((r) => setImmediate(r));
          running--;
        }),
      ),
    );
    expect(peak).toBe(16);
    expect([sut.inFlight, sut.waiting]).toEqual([0, 0]);
  });

  it('refuses a limit below 1', () => {
    expect(() => new InFlightLimit(0)).toThrow(RangeError);
    expect(() => new InFlightLimit(1.5)).toThrow(RangeError);
  });
});
