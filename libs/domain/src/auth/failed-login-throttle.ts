import type { Clock } from '../clock';

export interface FailedLoginLimit {
  /** Failures a source may make in one window; the next request within it is refused. */
  maxFailures: number;
  windowMs: number;
  /** Sources remembered at most, so that a spray from many addresses cannot grow memory without bound. */
  maxSources: number;
}

interface Window {
  startedAt: number;
  failures: number;
}

/**
 * Slows down guessing of Bearer tokens: a source (an IP address) that failed to log in `maxFailures` times in a
 * window is refused until that window ends, whatever it sends, so a right guess inside the block gains nothing.
 * A window starts at a source's first failure; a success does not clear it, so an attacker holding one valid
 * token cannot reset the count between guesses.
 */
export class FailedLoginThrottle {
  private readonly windows = new Map<string, Window>();

  constructor(
    readonly limit: FailedLoginLimit,
    private readonly clock: Clock,
  ) {}

  /** Milliseconds until `source` may try again; 0 when it may now. */
  retryAfterMs(source: string): number {
    const window = this.current(source);
    if (!window || window.failures < this.limit.maxFailures) return 0;
    return window.startedAt + this.limit.windowMs - this.clock.now();
  }

  recordFailure(source: string): void {
    const window = this.current(source);
    if (window) {
      window.failures++;
      return;
    }
    this.makeRoom();
    this.windows.set(source, { startedAt: this.clock.now(), failures: 1 });
  }

  get sources(): number {
    return this.windows.size;
  }

  private current(source: string): Window | undefined {
    const window = this.windows.get(source);
    if (!window) return undefined;
    if (this.clock.now() - window.startedAt < this.limit.windowMs) return window;
    this.windows.delete(source);
    return undefined;
  }

  /** Makes room: first every ended window, then, still full, the oldest (a Map iterates in insertion order). */
  private makeRoom(): void {
    if (this.windows.size < this.limit.maxSources) return;
    const now = this.clock.now();
    for (const [key, window] of this.windows) if (now - window.startedAt >= this.limit.windowMs) this.windows.delete(key);
    if (this.windows.size < this.limit.maxSources) return;
    const oldest = this.windows.keys().next();
    if (!oldest.done) this.windows.delete(oldest.value);
  }
}
