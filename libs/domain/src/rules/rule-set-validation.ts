import {
  DEVICE_TYPE_NAMES,
  gradeRank,
  isDeviceType,
  isMetricName,
  METRICS,
  opensIncident,
  reportedMetrics,
  SIGNAL_CLASSES,
  type DeviceType,
} from '@app/contracts';
import type { Rule, RuleKind, RuleSet } from './rule';
import { MAX_COUNT } from './rule-state';

const WINDOWED: readonly RuleKind[] = ['rate-of-rise', 'sudden-drop', 'count-in-window'];
const ONE_LEVEL: readonly RuleKind[] = ['flag', 'count-in-window'];
const NUMERIC: readonly RuleKind[] = ['above', 'below', 'rate-of-rise', 'sudden-drop'];
const DURATIONS = ['debounceS', 'hysteresis', 'clearAfterS'] as const;

/** `smoke_detector rule "smoke.alarm"`, or `smoke_detector rule [2]` when the rule has no usable id. */
export function ruleLabel(deviceType: string, id: unknown, index: number): string {
  return typeof id === 'string' && id !== '' ? `${deviceType} rule "${id}"` : `${deviceType} rule [${index}]`;
}

function isNonNegative(n: number | undefined): boolean {
  return n !== undefined && Number.isFinite(n) && n >= 0;
}

/** The first problem of one rule of a device type, as "<field> <what is wrong>", or null. */
function ruleProblem(type: DeviceType, rule: Rule): string | null {
  const { kind, levels, metric } = rule;
  if (typeof rule.id !== 'string' || rule.id === '') return 'id must be a non-empty string';
  if (!isMetricName(metric)) return `metric ${String(metric)} is not a known metric`;
  const reported: readonly string[] = reportedMetrics(type);
  if (!reported.includes(metric)) return `metric ${metric} is not reported by ${type} (it reports ${reported.join(', ')})`;
  if (NUMERIC.includes(kind) && METRICS[metric].kind === 'boolean') return `kind ${kind} cannot judge ${metric}, which is true or false`;

  if (!(SIGNAL_CLASSES as readonly string[]).includes(rule.class)) return `class must be one of ${SIGNAL_CLASSES.join(', ')}`;
  if (levels.length === 0) return 'levels must not be empty';
  if (ONE_LEVEL.includes(kind) && levels.length !== 1) return `levels must have exactly one level for a ${kind} rule`;
  for (const f of DURATIONS) if (!isNonNegative(rule[f])) return `${f} must be a number >= 0`;

  if (WINDOWED.includes(kind)) {
    if (rule.windowS === undefined) return `windowS is required for a ${kind} rule`;
    if (!(isNonNegative(rule.windowS) && rule.windowS > 0)) return 'windowS must be a number > 0';
  } else if (rule.windowS !== undefined) {
    return `windowS is only for ${WINDOWED.join(', ')} rules`;
  }
  if (kind === 'count-in-window') {
    if (rule.count === undefined) return 'count is required for a count-in-window rule';
    if (!(Number.isInteger(rule.count) && rule.count >= 1 && rule.count <= MAX_COUNT))
      return `count must be a whole number from 1 to ${MAX_COUNT}`;
  } else if (rule.count !== undefined) {
    return 'count is only for count-in-window rules';
  }

  for (let i = 0; i < levels.length; i++) {
    if (!Number.isFinite(levels[i].threshold)) return `levels[${i}].threshold must be a finite number`;
  }
  // A change per minute of 0 or less would be met by a steady reading.
  if ((kind === 'rate-of-rise' || kind === 'sudden-drop') && !(levels[0].threshold > 0)) return 'levels[0].threshold must be > 0';
  for (let i = 1; i < levels.length; i++) {
    const below = kind === 'below';
    const rising = below ? levels[i].threshold < levels[i - 1].threshold : levels[i].threshold > levels[i - 1].threshold;
    if (!rising)
      return `levels[${i}].threshold must be ${below ? 'below' : 'above'} levels[${i - 1}].threshold: levels are listed mildest first`;
    if (gradeRank(levels[i].grade) <= gradeRank(levels[i - 1].grade))
      return `levels[${i}].grade must be graver than levels[${i - 1}].grade (${levels[i - 1].grade})`;
  }
  // An orange or red level would open an incident, and a fault never dispatches a crew.
  if (rule.class === 'fault') {
    const grave = levels.findIndex((l) => opensIncident(l.grade));
    if (grave >= 0) return `levels[${grave}].grade must be yellow or blue: a fault goes to maintenance and never dispatches a crew`;
  }
  return null;
}

/**
 * The first reason a rule set cannot be evaluated, naming the device type, the rule and the field
 * (`gas_detector rule "gas_lel.high": levels[1].grade must be graver than levels[0].grade (orange)`), or null.
 */
export function ruleSetProblem(rules: RuleSet): string | null {
  for (const type of Object.keys(rules)) if (!isDeviceType(type)) return `unknown device type ${type}`;
  for (const type of DEVICE_TYPE_NAMES) {
    const list = rules[type];
    if (!Array.isArray(list)) return `no rules for device type ${type} (give it [] for none)`;
    const seen = new Map<string, number>();
    for (let i = 0; i < list.length; i++) {
      const rule = list[i];
      const problem = ruleProblem(type, rule);
      if (problem) return `${ruleLabel(type, rule.id, i)}: ${problem}`;
      const earlier = seen.get(rule.id);
      if (earlier !== undefined) return `${ruleLabel(type, rule.id, i)}: id is used by rule [${earlier}] of ${type} too`;
      seen.set(rule.id, i);
    }
  }
  return null;
}

/** Throws, naming the device type, the rule and the field, when a rule set cannot be evaluated. */
export function validateRuleSet(rules: RuleSet): void {
  const problem = ruleSetProblem(rules);
  if (problem) throw new Error(`rule set: ${problem}`);
}
