import { DEVICE_TYPES, DEVICE_TYPE_NAMES, gradeRank, isMetricName } from '@app/contracts';
import type { Rule, RuleSet } from './rule';

function ruleProblem(rule: Rule): string | null {
  if (!isMetricName(rule.metric)) return `unknown metric ${String(rule.metric)}`;
  const { levels } = rule;
  if (levels.length === 0) return 'no levels';
  if (rule.kind === 'flag' && levels.length !== 1) return 'a flag rule has exactly one level';
  if (rule.kind === 'rate-of-rise' && !(rule.windowS !== undefined && rule.windowS > 0)) return 'a rate-of-rise rule needs windowS > 0';
  if (![rule.debounceS, rule.hysteresis, rule.clearAfterS].every((n) => Number.isFinite(n) && n >= 0)) {
    return 'debounceS, hysteresis and clearAfterS must be finite and >= 0';
  }
  for (let i = 1; i < levels.length; i++) {
    const rising = rule.kind === 'below' ? levels[i].threshold < levels[i - 1].threshold : levels[i].threshold > levels[i - 1].threshold;
    if (!rising) return 'levels must be sorted mildest first with strictly more extreme thresholds';
    if (gradeRank(levels[i].grade) <= gradeRank(levels[i - 1].grade)) return 'each level must be graver than the one before';
  }
  return null;
}

/** Throws, naming the rule and the problem, when a configured rule set cannot be evaluated. */
export function validateRuleSet(rules: RuleSet): void {
  for (const type of DEVICE_TYPE_NAMES) {
    const list = rules[type];
    if (!Array.isArray(list)) throw new Error(`rule set: no rules for device type ${type}`);
    const ids = new Set<string>();
    for (const rule of list) {
      const problem = ruleProblem(rule);
      if (problem) throw new Error(`rule set: ${type} rule ${rule.id}: ${problem}`);
      if (ids.has(rule.id)) throw new Error(`rule set: ${type} has rule ${rule.id} twice`);
      if (!(DEVICE_TYPES[type].metrics as readonly string[]).includes(rule.metric)) {
        throw new Error(`rule set: ${type} rule ${rule.id}: ${type} does not report ${rule.metric}`);
      }
      ids.add(rule.id);
    }
  }
}
