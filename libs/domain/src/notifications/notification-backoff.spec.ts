import { ManualClock } from '@app/testing';
import { afterFailedAttempt, backoffDelayMs, DEFAULT_BACKOFF } from './notification-backoff';

const T = Date.parse('2026-03-02T08:00:00Z');
const policy = { maxAttempts: 5, baseMs: 1000, capMs: 5000 };

describe('notification back-off', () => {
  it('grows by doubling from the base and stops growing at the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n, policy))).toEqual([1000, 2000, 4000, 5000, 5000, 5000]);
    expect(backoffDelayMs(10_000, policy)).toBe(5000);
    expect(backoffDelayMs(0, policy)).toBe(1000);
  });

  it('by default makes 10 attempts, the waits between them growing to at most five minutes', () => {
    expect(DEFAULT_BACKOFF.maxAttempts).toBe(10);
    const waits = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => backoffDelayMs(n, DEFAULT_BACKOFF));
    expect(waits).toEqual([...waits].sort((a, b) => a - b));
    expect(Math.max(...waits)).toBeLessThanOrEqual(DEFAULT_BACKOFF.capMs);
    expect(backoffDelayMs(20, DEFAULT_BACKOFF)).toBe(DEFAULT_BACKOFF.capMs);
  });

  it('keeps a failed attempt pending until the last one, then fails it', () => {
    const clock = new ManualClock(T);
    const outcomes = [];
    let attempts = 0;
    for (;;) {
      const outcome = afterFailedAttempt(attempts, clock.now(), policy);
      outcomes.push(outcome);
      if (outcome.status === 'failed') break;
      attempts = outcome.attempts;
      clock.set(outcome.nextAttemptAt);
    }
    expect(outcomes).toEqual([
      { status: 'pending', attempts: 1, nextAttemptAt: T + 1000 },
      { status: 'pending', attempts: 2, nextAttemptAt: T + 3000 },
      { status: 'pending', attempts: 3, nextAttemptAt: T + 7000 },
      { status: 'pending', attempts: 4, nextAttemptAt: T + 12_000 },
      { status: 'failed', attempts: 5 },
    ]);
  });

  it('fails at once when a single attempt is allowed', () => {
    expect(afterFailedAttempt(0, T, { ...policy, maxAttempts: 1 })).toEqual({ status: 'failed', attempts: 1 });
  });
});
