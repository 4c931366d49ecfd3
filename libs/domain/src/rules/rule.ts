import type { DeviceType, Grade, MetricName } from '@app/contracts';

export type RuleKind = 'above' | 'below' | 'flag' | 'rate-of-rise';

export interface RuleLevel {
  grade: Grade;
  threshold: number;
}

/**
 * One alarm rule on one metric. Durations are judged by reading timestamps,
 * never by the wall clock, so replays and late batches grade the same way.
 */
export interface Rule {
  id: string;
  metric: MetricName;
  kind: RuleKind;
  /** Mildest first. 'flag' has one level: `true`, or a number at or above its threshold, meets it. */
  levels: RuleLevel[];
  /** Seconds the condition must hold before the rule is raised; 0 raises on the first reading. */
  debounceS: number;
  /** Margin past a threshold before the rule clears or drops a level, so noise does not flap it. */
  hysteresis: number;
  /** Seconds the condition must stay false before the rule clears; 0 clears at once. */
  clearAfterS: number;
  /** 'rate-of-rise' only: the window over which the rise per minute is measured. */
  windowS?: number;
  /** What the rule is and the standard or source its numbers come from. */
  description: string;
}

export type RuleSet = Record<DeviceType, Rule[]>;
