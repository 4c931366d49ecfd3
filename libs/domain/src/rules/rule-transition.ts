import type { Grade, MetricName, ReadingValue, SignalClass } from '@app/contracts';

/**
 * A rule changing state on one device. `value` is the reading that caused it;
 * for a rate-of-rise rule it is the measured rise per minute. A 'cleared'
 * transition carries the grade the rule had while active.
 */
export interface RuleTransition {
  type: 'raised' | 'updated' | 'cleared';
  ruleId: string;
  class: SignalClass;
  metric: MetricName;
  grade: Grade;
  value: ReadingValue;
  at: number;
  message: string;
}
