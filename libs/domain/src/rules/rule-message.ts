import { METRICS, type Grade, type MetricName, type ReadingValue } from '@app/contracts';
import type { Rule } from './rule';

const FLAG_LABELS: Partial<Record<MetricName, string>> = {
  smoke: 'smoke detected',
  fire_lane_blocked: 'fire lane blocked',
  fire_door_open: 'fire door open',
};

/** Two decimals, or three significant digits below 1, so 0.025 MPa/min does not show as 0.03. */
export function rounded(v: number): number {
  // `+ 0` turns -0 (a flat change per minute) into 0.
  return (Math.abs(v) >= 1 ? Math.round(v * 100) / 100 : Number(v.toPrecision(3))) + 0;
}

function num(v: number): string {
  return String(rounded(v));
}

function withUnit(v: number, metric: MetricName): string {
  return `${num(v)} ${METRICS[metric].unit}`;
}

/** "residual_current reached 300 mA", or the flag label of a boolean metric: what a count-in-window rule counts. */
function crossing(rule: Rule): string {
  const m = rule.metric;
  if (METRICS[m].kind === 'boolean') return FLAG_LABELS[m] ?? m;
  return `${m} reached ${withUnit(rule.levels[0].threshold, m)}`;
}

function times(n: number): string {
  return n === 1 ? '1 time' : `${n} times`;
}

function condition(rule: Rule, value: ReadingValue, threshold: number): string {
  const m = rule.metric;
  if (typeof value === 'boolean') return FLAG_LABELS[m] ?? m;
  switch (rule.kind) {
    case 'below':
      return `${m} ${withUnit(value, m)} below ${withUnit(threshold, m)}`;
    case 'rate-of-rise':
      return `${m} rising ${withUnit(value, m)}/min over ${rule.windowS ?? 0} s, above ${withUnit(threshold, m)}/min`;
    case 'sudden-drop':
      return `${m} falling ${withUnit(value, m)}/min over ${rule.windowS ?? 0} s, above ${withUnit(threshold, m)}/min`;
    case 'count-in-window':
      return `${crossing(rule)} ${times(value)} within ${rule.windowS ?? 0} s`;
    default:
      return `${m} ${withUnit(value, m)} above ${withUnit(threshold, m)}`;
  }
}

/**
 * "temperature 71.5 °C above 57 °C"; a debounced rule also says how long the condition held.
 * `value` is the reading, or what the rule measured: the change per minute, or the crossings counted.
 */
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
    case 'sudden-drop':
      return `${m} fall down to ${withUnit(value, m)}/min, below ${withUnit(threshold, m)}/min`;
    case 'count-in-window':
      return `${crossing(rule)} ${times(value)} within ${rule.windowS ?? 0} s, fewer than ${rule.count ?? 0}`;
    default:
      return `${m} back to ${withUnit(value, m)}, below ${withUnit(threshold, m)}`;
  }
}
