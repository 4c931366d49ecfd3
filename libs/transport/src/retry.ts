/** Capped exponential back-off: the wait after the n-th failure in a row is baseMs·2^(n−1), at most maxMs. */
export interface Backoff {
  baseMs: number;
  maxMs: number;
}

export function backoffMs(failures: number, { baseMs, maxMs }: Backoff): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(failures - 1, 30));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface RetryOptions {
  backoff: Backoff;
  /** Asked after each failure and again after its wait: false ends the retrying with that failure. Default: always true. */
  keepTrying?: () => boolean;
  /** False: once a wait has begun, the attempt after it is made whatever keepTrying says then (a last chance while stopping). Default true. */
  askAfterWait?: boolean;
  /** Each failure that will be waited out and retried (`failures` counts from 1). */
  onRetry?: (error: unknown, failures: number) => void;
  /** How to wait; specs inject one, the Kafka consumer heartbeats while it waits. */
  sleep?: (ms: number) => Promise<void>;
}

export type RetryOutcome<T> = { done: true; value: T } | { done: false; error: unknown };

/**
 * Runs `attempt` until it resolves, backing off between failures, for as long
 * as keepTrying says: the bus's transient failures are waited out, never skipped.
 */
export async function retryWithBackoff<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<RetryOutcome<T>> {
  const { backoff, keepTrying = () => true, askAfterWait = true, onRetry, sleep: wait = sleep } = options;
  for (let failures = 1; ; failures++) {
    try {
      return { done: true, value: await attempt() };
    } catch (error) {
      if (!keepTrying()) return { done: false, error };
      onRetry?.(error, failures);
      await wait(backoffMs(failures, backoff));
      if (askAfterWait && !keepTrying()) return { done: false, error };
    }
  }
}
