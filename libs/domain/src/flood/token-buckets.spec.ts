import { ManualClock } from '@app/testing';
import { TokenBuckets } from './token-buckets';

const T0 = Date.UTC(2026, 10, 25, 10, 0, 0);

describe('TokenBuckets', () => {
  it('lets a burst through at once, then refuses until the clock refills the bucket', () => {
    const clock = new ManualClock(T0);
    const sut = new TokenBuckets({ ratePerS: 10, burst: 5 }, clock);

    expect(Array.from({ length: 7 }, () => sut.take('d1'))).toEqual([true, true, true, true, true, false, false]);
    clock.advance(99);
    expect(sut.take('d1')).toBe(false);
    clock.advance(1);
    expect(sut.take('d1')).toBe(true);
    expect(sut.take('d1')).toBe(false);
  });

  it('refills at the rate but never beyond the burst', () => {
    const clock = new ManualClock(T0);
    const sut = new TokenBuckets({ ratePerS: 10, burst: 5 }, clock);
    for (let i = 0; i < 5; i++) sut.take('d1');
    expect(sut.available('d1')).toBe(0);

    clock.advance(250);
    expect(sut.available('d1')).toBe(2);
    clock.advance(3_600_000);
    expect(sut.available('d1')).toBe(5);
  });

  it('sustains exactly the rate over time: 10/s for a minute lets 600 + the burst through', () => {
    const clock = new ManualClock(T0);
    const sut = new TokenBuckets({ ratePerS: 10, burst: 5 }, clock);
    let passed = 0;
    for (let ms = 0; ms < 60_000; ms += 10) {
      clock.set(T0 + ms);
      for (let i = 0; i < 3; i++) if (sut.take('flood')) passed++;
    }
    expect(passed).toBe(5 + 599);
  });

  it('keeps keys apart', () => {
    const sut = new TokenBuckets({ ratePerS: 1, burst: 1 }, new ManualClock(T0));
    expect(sut.take('a')).toBe(true);
    expect(sut.take('a')).toBe(false);
    expect(sut.take('b')).toBe(true);
    expect(sut.size).toBe(2);
  });

  it('neither refills nor drains when the clock steps back', () => {
    const clock = new ManualClock(T0);
    const sut = new TokenBuckets({ ratePerS: 10, burst: 2 }, clock);
    sut.take('d1');
    sut.take('d1');
    clock.set(T0 - 60_000);
    expect(sut.available('d1')).toBe(0);
    clock.set(T0 + 100);
    expect(sut.available('d1')).toBe(1);
  });

  it('is off with a rate of 0, and refuses a limit that makes no sense', () => {
    const sut = new TokenBuckets({ ratePerS: 0, burst: 1 }, new ManualClock(T0));
    expect(Array.from({ length: 1000 }, () => sut.take('d1')).every(Boolean)).toBe(true);
    expect(sut.enabled).toBe(false);
    expect(sut.size).toBe(0);
    expect(() => new TokenBuckets({ ratePerS: -1, burst: 1 }, new ManualClock(T0))).toThrow(RangeError);
    expect(() => new TokenBuckets({ ratePerS: 1, burst: 0 }, new ManualClock(T0))).toThrow(RangeError);
    expect(() => new TokenBuckets({ ratePerS: Number.NaN, burst: 1 }, new ManualClock(T0))).toThrow(RangeError);
  });
});
