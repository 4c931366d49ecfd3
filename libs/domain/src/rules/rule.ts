import type { DeviceType, Grade, MetricName, SignalClass } from '@app/contracts';

export const RULE_KINDS = ['above', 'below', 'flag', 'rate-of-rise', 'sudden-drop', 'count-in-window'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

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
  /** fire, alarm, supervisory or fault: how its alarms are handled (a fault never dispatches a crew). */
  class: SignalClass;
  metric: MetricName;
  kind: RuleKind;
  /**
   * Mildest first. 'flag' has one level: `true`, or a number at or above its threshold, meets it.
   * 'rate-of-rise' and 'sudden-drop' thresholds are a rise or a fall per minute. 'count-in-window'
   * has one level: its threshold is what a reading must reach (`true` for booleans) to count.
   */
  levels: RuleLevel[];
  /** Seconds the condition must hold before the rule is raised; 0 raises on the first reading. */
  debounceS: number;
  /**
   * Margin past a threshold before the rule clears or drops a level, so noise does not flap it.
   * 'count-in-window': how far below its threshold a reading must fall before the next crossing counts again.
   */
  hysteresis: number;
  /** Seconds the condition must stay false before the rule clears; 0 clears at once. */
  clearAfterS: number;
  /**
   * 'rate-of-rise' and 'sudden-drop': the window over which the change per minute is measured;
   * 'count-in-window': the window in which the crossings are counted.
   */
  windowS?: number;
  /** 'count-in-window' only: crossings within windowS that raise the rule. */
  count?: number;
  /** What the rule is and the standard or source its numbers come from. */
  description: string;
}

export type RuleSet = Record<DeviceType, Rule[]>;
