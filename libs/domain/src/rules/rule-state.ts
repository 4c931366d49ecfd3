import type { ReadingValue } from '@app/contracts';
import type { Rule } from './rule';
import { activeMessage, clearedMessage } from './rule-message';
import type { RuleTransition } from './rule-transition';

// Samples kept per rate-of-rise rule, spaced at least windowS / RATE_SAMPLES apart,
// so memory stays bounded whatever the reporting interval of the device.
export const RATE_SAMPLES = 8;

/** Where one rule stands on one device. Plain JSON, so it can be persisted as it is. */
export interface RuleState {
  active: boolean;
  /** Index into rule.levels while active, -1 otherwise. */
  level: number;
  /** Timestamp of the first reading of the current unbroken run meeting the condition, while inactive. */
  pendingSince: number | null;
  /** Timestamp of the first reading of the current unbroken run with the condition false, while active. */
  clearingSince: number | null;
  raisedAt: number | null;
  /** Rate-of-rise only: a bounded window of (timestamp, value) samples, oldest first. */
  sampleTs: number[];
  sampleV: number[];
}

export function newRuleState(): RuleState {
  return { active: false, level: -1, pendingSince: null, clearingSince: null, raisedAt: null, sampleTs: [], sampleV: [] };
}

function meets(rule: Rule, x: number, threshold: number): boolean {
  return rule.kind === 'below' ? x < threshold : x >= threshold;
}

/** Whether x is still within hysteresis of level i, so the rule neither drops below it nor clears. */
function holds(rule: Rule, x: number, i: number): boolean {
  const t = rule.levels[i].threshold;
  return rule.kind === 'below' ? x <= t + rule.hysteresis : x >= t - rule.hysteresis;
}

function levelOf(rule: Rule, x: number): number {
  const levels = rule.levels;
  for (let i = levels.length - 1; i >= 0; i--) if (meets(rule, x, levels[i].threshold)) return i;
  return -1;
}

/** Rise per minute over the window, or null while too little history is there to judge. */
function rateOfRise(rule: Rule, state: RuleState, x: number, ts: number): number | null {
  const windowMs = (rule.windowS ?? 60) * 1000;
  const sts = state.sampleTs;
  const sv = state.sampleV;
  while (sts.length > 0 && sts[0] < ts - windowMs) {
    sts.shift();
    sv.shift();
  }
  let rate: number | null = null;
  // A rise measured over less than half the window is mostly sensor noise.
  if (sts.length > 0 && ts - sts[0] >= windowMs / 2) rate = ((x - sv[0]) * 60_000) / (ts - sts[0]);
  if (sts.length === 0 || ts - sts[sts.length - 1] >= windowMs / RATE_SAMPLES) {
    sts.push(ts);
    sv.push(x);
    if (sts.length > RATE_SAMPLES + 1) {
      sts.shift();
      sv.shift();
    }
  }
  return rate;
}

/** The value the rule's thresholds compare against, or null when this reading says nothing to the rule. */
function comparable(rule: Rule, state: RuleState, value: ReadingValue, ts: number): number | null {
  if (rule.kind === 'flag') {
    if (typeof value === 'boolean') return value ? Infinity : -Infinity;
    return Number.isFinite(value) ? value : null;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  return rule.kind === 'rate-of-rise' ? rateOfRise(rule, state, value, ts) : value;
}

function transition(
  type: RuleTransition['type'],
  rule: Rule,
  grade: RuleTransition['grade'],
  value: ReadingValue,
  at: number,
  message: string,
): RuleTransition {
  return { type, ruleId: rule.id, metric: rule.metric, grade, value, at, message };
}

/**
 * Feeds one reading to one rule: debounce before raising, grade up at once,
 * down only past hysteresis, clear after clearAfterS of the condition being false.
 * Mutates `state` in place because it runs for every reading of every device.
 */
export function stepRule(rule: Rule, state: RuleState, value: ReadingValue, ts: number): RuleTransition | null {
  const x = comparable(rule, state, value, ts);
  if (x === null) return null;
  const shown: ReadingValue = rule.kind === 'rate-of-rise' ? Math.round(x * 100) / 100 : value;

  if (!state.active) {
    const level = levelOf(rule, x);
    if (level < 0) {
      state.pendingSince = null;
      return null;
    }
    if (state.pendingSince === null) state.pendingSince = ts;
    const held = ts - state.pendingSince;
    if (held < rule.debounceS * 1000) return null;
    state.active = true;
    state.level = level;
    state.pendingSince = null;
    state.clearingSince = null;
    state.raisedAt = ts;
    return transition('raised', rule, rule.levels[level].grade, shown, ts, activeMessage(rule, shown, level, held, null));
  }

  if (!holds(rule, x, 0)) {
    if (state.clearingSince === null) state.clearingSince = ts;
    if (ts - state.clearingSince < rule.clearAfterS * 1000) return null;
    const grade = rule.levels[state.level].grade;
    state.active = false;
    state.level = -1;
    state.clearingSince = null;
    state.raisedAt = null;
    return transition('cleared', rule, grade, shown, ts, clearedMessage(rule, shown));
  }

  state.clearingSince = null;
  let next = Math.max(state.level, levelOf(rule, x));
  if (next === state.level) while (next > 0 && !holds(rule, x, next)) next--;
  if (next === state.level) return null;
  const previous = rule.levels[state.level].grade;
  state.level = next;
  return transition('updated', rule, rule.levels[next].grade, shown, ts, activeMessage(rule, shown, next, 0, previous));
}
