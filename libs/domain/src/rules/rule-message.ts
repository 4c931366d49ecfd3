import { METRICS, type Grade, type MetricName, type ReadingValue } from '@app/contracts';
import type { Rule } from './rule';

const FLAG_LABELS: Partial<Record<MetricName, string>> = {
  smoke: 'smoke detected',
  fire_lane_blocked: 'fire lane blocked',
  fire_door_open: 'fire door open',
};

function num(v: number): string {
  return String(Math.round(v * 100) / 100);
}

function withUnit(v: number, metric: MetricName): string {
  return `${num(v)} ${METRICS[metric].unit}`;
}

function condition(rule: Rule, value: ReadingValue, threshold: number): string {
  const m = rule.metric;
  if (typeof value === 'boolean') return FLAG_LABELS[m] ?? m;
  switch (rule.kind) {
    case 'below':
      return `${m} ${withUnit(value, m)} below ${withUnit(threshold, m)}`;
    case 'rate-of-rise':
      return `${m} rising ${withUnit(value, m)}/min over ${rule.windowS ?? 0} s, above ${withUnit(threshold, m)}/min`;
    default:
      return `${m} ${withUnit(value, m)} above ${withUnit(threshold, m)}`;
  }
}

/** "temperature 71.5 °C above 57 °C"; a debounced rule also says how long the condition held. */
export function activeMessage(rule: Rule, value: ReadingValue, level: number, heldMs: number, previous: Grade | null): string {
  let text = condition(rule, value, rule.levels[level].threshold);
  if (rule.debounceS > 0 && previous === null) text += ` for ${Math.round(heldMs / 1000)} s`;
  if (previous !== null) text += ` (was ${previous})`;
  return text;
}

export function clearedMessage(rule: Rule, value: ReadingValue): string {
  const m = rule.metric;
  if (typeof value === 'boolean') return `${FLAG_LABELS[m] ?? m}: cleared`;
  const threshold = rule.levels[0].threshold;
  switch (rule.kind) {
    case 'below':
      return `${m} back to ${withUnit(value, m)}, above ${withUnit(threshold, m)}`;
    case 'rate-of-rise':
      return `${m} rise down to ${withUnit(value, m)}/min, below ${withUnit(threshold, m)}/min`;
    default:
      return `${m} back to ${withUnit(value, m)}, below ${withUnit(threshold, m)}`;
  }
}
