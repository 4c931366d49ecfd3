import type { Clock } from '../clock';

export interface TokenBucketLimit {
  /** Tokens added per second; 0 turns the limit off. */
  ratePerS: number;
  /** Most tokens a bucket holds: what may arrive at once after a quiet spell. */
  burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * One token bucket per key, refilled continuously by the injected clock. A key
 * seen for the first time starts with a full bucket. The caller decides which
 * keys exist (at ingest: registered devices and their enterprises), so the map
 * is bounded by them, not by what an attacker can make up.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly limit: TokenBucketLimit,
    private readonly clock: Clock,
  ) {
    if (!(limit.ratePerS >= 0) || !(limit.burst >= 1))
      throw new RangeError(`a token bucket needs ratePerS >= 0 and burst >= 1, got ${JSON.stringify(limit)}`);
  }

  get enabled(): boolean {
    return this.limit.ratePerS > 0;
  }

  /** Whole tokens the key has now. */
  available(key: string): number {
    if (!this.enabled) return Infinity;
    return Math.floor(this.refill(key).tokens);
  }

  /** Takes a token; false, taking nothing, when the key's bucket is empty. */
  take(key: string): boolean {
    if (!this.enabled) return true;
    const bucket = this.refill(key);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  get size(): number {
    return this.buckets.size;
  }

  private refill(key: string): Bucket {
    const now = this.clock.now();
    const bucket = this.buckets.get(key);
    if (!bucket) {
      const fresh = { tokens: this.limit.burst, at: now };
      this.buckets.set(key, fresh);
      return fresh;
    }
    // A clock that steps back adds nothing and takes nothing away.
    if (now > bucket.at) {
      bucket.tokens = Math.min(this.limit.burst, bucket.tokens + ((now - bucket.at) * this.limit.ratePerS) / 1000);
      bucket.at = now;
    }
    return bucket;
  }
}
