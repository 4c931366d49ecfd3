export interface BackoffPolicy {
  /** Attempts in all, the first included (NOTIFY_MAX_ATTEMPTS). */
  maxAttempts: number;
  /** Wait after the first failed attempt; doubled after each further one. */
  baseMs: number;
  /** The longest wait between two attempts. */
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { maxAttempts: 10, baseMs: 1000, capMs: 5 * 60_000 };

/** The wait after the n-th failed attempt (n ≥ 1): base, 2·base, 4·base, ... up to the cap. */
export function backoffDelayMs(failedAttempts: number, policy: BackoffPolicy): number {
  const exponent = Math.max(0, failedAttempts - 1);
  // 2^exponent overflows to Infinity long after the cap is reached; min() keeps it finite.
  return Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(exponent, 52));
}

export type AttemptOutcome = { status: 'pending'; attempts: number; nextAttemptAt: number } | { status: 'failed'; attempts: number };

/** What a failed attempt leaves: another try after the back-off, or `failed` once maxAttempts are spent. */
export function afterFailedAttempt(previousAttempts: number, now: number, policy: BackoffPolicy): AttemptOutcome {
  const attempts = previousAttempts + 1;
  if (attempts >= policy.maxAttempts) return { status: 'failed', attempts };
  return { status: 'pending', attempts, nextAttemptAt: now + backoffDelayMs(attempts, policy) };
}
