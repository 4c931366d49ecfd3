import { ManualClock } from '@app/testing';
import { FailedLoginThrottle } from './failed-login-throttle';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const LIMIT = { maxFailures: 3, windowMs: 60_000, maxSources: 4 };

function setup(limit = LIMIT) {
  const clock = new ManualClock(T0);
  return { sut: new FailedLoginThrottle(limit, clock), clock };
}

const fail = (sut: FailedLoginThrottle, source: string, times: number) => {
  for (let i = 0; i < times; i++) sut.recordFailure(source);
};

describe('FailedLoginThrottle', () => {
  it('lets a source in that never failed', () => {
    const { sut } = setup();
    expect(sut.retryAfterMs('10.0.0.1')).toBe(0);
  });

  it('lets a source in up to its last allowed failure', () => {
    const { sut } = setup();
    fail(sut, '10.0.0.1', LIMIT.maxFailures - 1);
    expect(sut.retryAfterMs('10.0.0.1')).toBe(0);
  });

  it('refuses a source at maxFailures until its window, started at the first failure, ends', () => {
    const { sut, clock } = setup();
    sut.recordFailure('10.0.0.1');
    clock.advance(10_000);
    fail(sut, '10.0.0.1', LIMIT.maxFailures - 1);
    expect(sut.retryAfterMs('10.0.0.1')).toBe(50_000);
    clock.advance(49_999);
    expect(sut.retryAfterMs('10.0.0.1')).toBe(1);
    clock.advance(1);
    expect(sut.retryAfterMs('10.0.0.1')).toBe(0);
  });

  it('starts afresh once the window ended: the old failures no longer count', () => {
    const { sut, clock } = setup();
    fail(sut, '10.0.0.1', LIMIT.maxFailures);
    clock.advance(LIMIT.windowMs);
    fail(sut, '10.0.0.1', LIMIT.maxFailures - 1);
    expect(sut.retryAfterMs('10.0.0.1')).toBe(0);
    sut.recordFailure('10.0.0.1');
    expect(sut.retryAfterMs('10.0.0.1')).toBe(LIMIT.windowMs);
  });

  it('does not lengthen the block for failures made while blocked', () => {
    const { sut, clock } = setup();
    fail(sut, '10.0.0.1', LIMIT.maxFailures);
    clock.advance(30_000);
    fail(sut, '10.0.0.1', 10);
    expect(sut.retryAfterMs('10.0.0.1')).toBe(30_000);
  });

  it('counts each source on its own', () => {
    const { sut } = setup();
    fail(sut, '10.0.0.1', LIMIT.maxFailures);
    expect(sut.retryAfterMs('10.0.0.1')).toBeGreaterThan(0);
    expect(sut.retryAfterMs('10.0.0.2')).toBe(0);
  });

  it('forgets ended windows first when full', () => {
    const { sut, clock } = setup();
    fail(sut, 'old', LIMIT.maxFailures);
    clock.advance(LIMIT.windowMs);
    for (const s of ['a', 'b', 'c']) sut.recordFailure(s);
    expect(sut.sources).toBe(4);
    sut.recordFailure('d');
    expect(sut.sources).toBe(4);
    expect(sut.retryAfterMs('old')).toBe(0);
    for (const s of ['a', 'b', 'c', 'd']) fail(sut, s, LIMIT.maxFailures - 1);
    for (const s of ['a', 'b', 'c', 'd']) expect(sut.retryAfterMs(s)).toBe(LIMIT.windowMs);
  });

  it('holds at most maxSources, forgetting the oldest when none has ended', () => {
    const { sut, clock } = setup();
    for (const s of ['a', 'b', 'c', 'd']) {
      fail(sut, s, LIMIT.maxFailures);
      clock.advance(1);
    }
    sut.recordFailure('e');
    expect(sut.sources).toBe(4);
    expect(sut.retryAfterMs('a')).toBe(0);
    expect(sut.retryAfterMs('b')).toBeGreaterThan(0);
  });
});
