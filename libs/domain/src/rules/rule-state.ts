import type { ReadingValue } from '@app/contracts';
import type { Rule } from './rule';
import { activeMessage, clearedMessage, rounded } from './rule-message';
import type { RuleTransition } from './rule-transition';

// Samples kept per rate rule ('rate-of-rise', 'sudden-drop'), spaced at least windowS / RATE_SAMPLES
// apart, so memory stays bounded whatever the reporting interval of the device.
const RATE_SAMPLES = 8;

/** The largest `count` a 'count-in-window' rule may ask for: its state keeps that many timestamps per device. */
export const MAX_COUNT = 100;

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
  /**
   * Rate rules: a bounded window of (timestamp, value) samples, oldest first.
   * 'count-in-window': the latest crossings (timestamp, value; true as 1) within the window, at most `count`.
   */
  sampleTs: number[];
  sampleV: number[];
  /**
   * 'count-in-window' only: whether the next crossing counts. A crossing disarms it until the value falls
   * back past hysteresis, so one long excursion counts once.
   */
  armed: boolean;
}

export function newRuleState(): RuleState {
  return { active: false, level: -1, pendingSince: null, clearingSince: null, raisedAt: null, sampleTs: [], sampleV: [], armed: true };
}

function isNumberOrNull(x: unknown): x is number | null {
  return x === null || typeof x === 'number';
}

function sampleLimit(rule: Rule): number {
  switch (rule.kind) {
    case 'rate-of-rise':
    case 'sudden-drop':
      return RATE_SAMPLES + 1;
    case 'count-in-window':
      return rule.count ?? 0;
    default:
      return 0;
  }
}

/**
 * A copy of a state saved from exportState(), or a fresh state when the saved one is not a state this rule
 * can continue from (wrong shape, a level the rule no longer has, more samples than its kind keeps).
 */
export function restoreRuleState(rule: Rule, saved: unknown): RuleState {
  if (typeof saved !== 'object' || saved === null) return newRuleState();
  const s = saved as Record<string, unknown>;
  const { sampleTs, sampleV } = s;
  const readable =
    typeof s.active === 'boolean' &&
    typeof s.level === 'number' &&
    isNumberOrNull(s.pendingSince) &&
    isNumberOrNull(s.clearingSince) &&
    isNumberOrNull(s.raisedAt) &&
    (s.armed === undefined || typeof s.armed === 'boolean') &&
    Array.isArray(sampleTs) &&
    Array.isArray(sampleV) &&
    sampleTs.length === sampleV.length &&
    sampleTs.length <= sampleLimit(rule) &&
    sampleTs.every((n) => typeof n === 'number') &&
    sampleV.every((n) => typeof n === 'number');
  if (!readable) return newRuleState();
  const level = s.active ? (s.level as number) : -1;
  if (s.active && !(Number.isInteger(level) && level >= 0 && level < rule.levels.length)) return newRuleState();
  return {
    active: s.active as boolean,
    level,
    pendingSince: s.pendingSince as number | null,
    clearingSince: s.clearingSince as number | null,
    raisedAt: s.raisedAt as number | null,
    sampleTs: [...sampleTs],
    sampleV: [...sampleV],
    armed: (s.armed as boolean | undefined) ?? true,
  };
}

function meets(rule: Rule, x: number, threshold: number): boolean {
  switch (rule.kind) {
    case 'below':
      return x < threshold;
    case 'count-in-window':
      return x >= (rule.count ?? 1);
    default:
      return x >= threshold;
  }
}

/** Whether x is still within hysteresis of level i, so the rule neither drops below it nor clears. */
function holds(rule: Rule, x: number, i: number): boolean {
  const t = rule.levels[i].threshold;
  switch (rule.kind) {
    case 'below':
      return x <= t + rule.hysteresis;
    case 'count-in-window':
      // Its hysteresis already worked on the readings, when it decided what counts as a crossing.
      return x >= (rule.count ?? 1);
    default:
      return x >= t - rule.hysteresis;
  }
}

function levelOf(rule: Rule, x: number): number {
  const levels = rule.levels;
  for (let i = levels.length - 1; i >= 0; i--) if (meets(rule, x, levels[i].threshold)) return i;
  return -1;
}

/** Change per minute over the window (negative when falling), or null while too little history is there to judge. */
function changePerMinute(rule: Rule, state: RuleState, x: number, ts: number): number | null {
  const windowMs = (rule.windowS ?? 60) * 1000;
  const sts = state.sampleTs;
  const sv = state.sampleV;
  while (sts.length > 0 && sts[0] < ts - windowMs) {
    sts.shift();
    sv.shift();
  }
  let rate: number | null = null;
  // A change measured over less than half the window is mostly sensor noise.
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

/** Counts a crossing of the level's threshold, forgets those older than the window, and says how many are left. */
function crossingsInWindow(rule: Rule, state: RuleState, value: ReadingValue, ts: number): number | null {
  let over: boolean;
  let rearmed: boolean;
  if (typeof value === 'boolean') {
    over = value;
    rearmed = !value;
  } else if (Number.isFinite(value)) {
    const threshold = rule.levels[0].threshold;
    over = value >= threshold;
    rearmed = value < threshold - rule.hysteresis;
  } else {
    return null;
  }
  const windowMs = (rule.windowS ?? 0) * 1000;
  const sts = state.sampleTs;
  const sv = state.sampleV;
  while (sts.length > 0 && sts[0] < ts - windowMs) {
    sts.shift();
    sv.shift();
  }
  if (over && state.armed) {
    state.armed = false;
    sts.push(ts);
    sv.push(typeof value === 'boolean' ? 1 : value);
    // Only the latest `count` crossings can decide whether `count` fall within the window.
    if (sts.length > (rule.count ?? 1)) {
      sts.shift();
      sv.shift();
    }
  } else if (rearmed) {
    state.armed = true;
  }
  return sts.length;
}

/** The value the rule's thresholds compare against, or null when this reading says nothing to the rule. */
function comparable(rule: Rule, state: RuleState, value: ReadingValue, ts: number): number | null {
  switch (rule.kind) {
    case 'flag':
      if (typeof value === 'boolean') return value ? Infinity : -Infinity;
      return Number.isFinite(value) ? value : null;
    case 'count-in-window':
      return crossingsInWindow(rule, state, value, ts);
    default:
      break;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  switch (rule.kind) {
    case 'rate-of-rise':
      return changePerMinute(rule, state, value, ts);
    case 'sudden-drop': {
      const change = changePerMinute(rule, state, value, ts);
      return change === null ? null : -change;
    }
    default:
      return value;
  }
}

/** What a transition reports as its value: the reading, the measured change per minute, or the crossings counted. */
function shownValue(rule: Rule, x: number, value: ReadingValue): ReadingValue {
  switch (rule.kind) {
    case 'rate-of-rise':
    case 'sudden-drop':
      return rounded(x);
    case 'count-in-window':
      return x;
    default:
      return value;
  }
}

function transition(
  type: RuleTransition['type'],
  rule: Rule,
  grade: RuleTransition['grade'],
  value: ReadingValue,
  at: number,
  message: string,
): RuleTransition {
  return { type, ruleId: rule.id, class: rule.class, metric: rule.metric, grade, value, at, message };
}

/**
 * Feeds one reading to one rule: debounce before raising, grade up at once,
 * down only past hysteresis, clear after clearAfterS of the condition being false.
 * Mutates `state` in place because it runs for every reading of every device.
 */
export function stepRule(rule: Rule, state: RuleState, value: ReadingValue, ts: number): RuleTransition | null {
  const x = comparable(rule, state, value, ts);
  if (x === null) return null;

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
    const shown = shownValue(rule, x, value);
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
    const shown = shownValue(rule, x, value);
    return transition('cleared', rule, grade, shown, ts, clearedMessage(rule, shown));
  }

  state.clearingSince = null;
  let next = Math.max(state.level, levelOf(rule, x));
  if (next === state.level) while (next > 0 && !holds(rule, x, next)) next--;
  if (next === state.level) return null;
  const previous = rule.levels[state.level].grade;
  state.level = next;
  const shown = shownValue(rule, x, value);
  return transition('updated', rule, rule.levels[next].grade, shown, ts, activeMessage(rule, shown, next, 0, previous));
}
