import { backoffMs, retryWithBackoff } from './retry';

/** An attempt that fails `n` times, then resolves with the number of calls. */
function failing(n: number) {
  let calls = 0;
  return {
    calls: () => calls,
    attempt: async () => {
      calls++;
      if (calls <= n) throw new Error(`failure ${calls}`);
      return calls;
    },
  };
}

describe('backoffMs', () => {
  it.each([
    [1, 200],
    [2, 400],
    [3, 800],
    [5, 3200],
    [6, 5000],
    [1000, 5000],
  ])('after %p failures waits %p ms', (failures, ms) => {
    expect(backoffMs(failures, { baseMs: 200, maxMs: 5000 })).toBe(ms);
  });
});

describe('retryWithBackoff', () => {
  const backoff = { baseMs: 100, maxMs: 1000 };

  it('returns the first success without waiting', async () => {
    const sleep = jest.fn(async () => undefined);
    await expect(retryWithBackoff(async () => 'stored', { backoff, sleep })).resolves.toEqual({ done: true, value: 'stored' });
    expect(sleep).not.toHaveBeenCalled();
  });

  it('waits the growing, capped back-off after each failure and reports each one', async () => {
    const waits: number[] = [];
    const retried: Array<[string, number]> = [];
    const sut = failing(6);
    const outcome = await retryWithBackoff(sut.attempt, {
      backoff,
      sleep: async (ms) => void waits.push(ms),
      onRetry: (e, failures) => retried.push([(e as Error).message, failures]),
    });
    expect(outcome).toEqual({ done: true, value: 7 });
    expect(waits).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(retried).toEqual([1, 2, 3, 4, 5, 6].map((n) => [`failure ${n}`, n]));
  });

  it('gives up with the failure, without waiting, once keepTrying says no after a failure', async () => {
    const sleep = jest.fn(async () => undefined);
    const sut = failing(Infinity);
    const outcome = await retryWithBackoff(sut.attempt, { backoff, sleep, keepTrying: () => false });
    expect(outcome).toEqual({ done: false, error: new Error('failure 1') });
    expect(sut.calls()).toBe(1);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('gives up without another attempt when keepTrying turns false during the wait', async () => {
    let stopping = false;
    const sut = failing(Infinity);
    const outcome = await retryWithBackoff(sut.attempt, {
      backoff,
      keepTrying: () => !stopping,
      sleep: async () => {
        if (sut.calls() === 2) stopping = true;
      },
    });
    expect(outcome).toEqual({ done: false, error: new Error('failure 2') });
    expect(sut.calls()).toBe(2);
  });

  it('with askAfterWait false, makes the attempt a wait was begun for even when keepTrying turned false meanwhile', async () => {
    let stopping = false;
    const sut = failing(1);
    const outcome = await retryWithBackoff(sut.attempt, {
      backoff,
      askAfterWait: false,
      keepTrying: () => !stopping,
      sleep: async () => {
        stopping = true;
      },
    });
    expect(outcome).toEqual({ done: true, value: 2 });
    expect(sut.calls()).toBe(2);
  });

  it('with askAfterWait false, still gives up before a wait once keepTrying says no', async () => {
    const sut = failing(Infinity);
    const outcome = await retryWithBackoff(sut.attempt, {
      backoff,
      askAfterWait: false,
      keepTrying: () => sut.calls() < 3,
      sleep: async () => undefined,
    });
    expect(outcome).toEqual({ done: false, error: new Error('failure 3') });
    expect(sut.calls()).toBe(3);
  });
});
