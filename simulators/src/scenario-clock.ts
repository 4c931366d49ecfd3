/** Readings may run ahead of the receiver's clock by at most MAX_CLOCK_SKEW_S (300 s); this leaves a margin. */
export const MAX_LEAD_MS = 240_000;

/**
 * Maps scenario seconds to wall time and to reading timestamps. At speed 1
 * a reading is stamped now. Faster, the timestamps keep the scenario's own
 * spacing (so "above 300 mA for 10 s" still means 10 s to the rules) and run
 * ahead of the wall clock; when a timeline is too long to stay within
 * MAX_LEAD_MS, it is stamped that much in the past instead.
 */
export class ScenarioClock {
  readonly backdateMs: number;

  constructor(
    readonly wallStart: number,
    readonly speed: number,
    durationS: number,
  ) {
    if (!(speed > 0)) throw new Error(`speed must be above 0, got ${speed}`);
    const lead = Number.isFinite(durationS) ? durationS * 1000 * (1 - 1 / speed) : speed === 1 ? 0 : Infinity;
    if (!Number.isFinite(lead)) throw new Error('a run without an end can only go at speed 1');
    this.backdateMs = Math.max(0, lead - MAX_LEAD_MS);
  }

  /** Scenario seconds elapsed at a wall time. */
  scenarioSeconds(wallMs: number): number {
    return ((wallMs - this.wallStart) * this.speed) / 1000;
  }

  /** Wall time at which scenario second s happens. */
  wallAt(s: number): number {
    return this.wallStart + (s * 1000) / this.speed;
  }

  /** The timestamp a reading taken at scenario second s carries. */
  timestampAt(s: number): number {
    return Math.round(this.wallStart - this.backdateMs + s * 1000);
  }
}
