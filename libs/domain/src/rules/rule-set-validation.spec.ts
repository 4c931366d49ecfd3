import { defaultRuleSet } from './default-rules';
import type { Rule, RuleSet } from './rule';
import { validateRuleSet } from './rule-set-validation';

function withGasRule(change: Partial<Rule>): RuleSet {
  const set = defaultRuleSet();
  set.gas_detector = [{ ...set.gas_detector[0], ...change }];
  return set;
}

describe('validateRuleSet', () => {
  it.each<[string, Partial<Rule>, string]>([
    ['no levels', { levels: [] }, 'no levels'],
    ['thresholds not rising', { levels: [{ grade: 'orange', threshold: 50 }, { grade: 'red', threshold: 25 }] }, 'sorted mildest first'],
    ['grades not rising', { levels: [{ grade: 'red', threshold: 25 }, { grade: 'orange', threshold: 50 }] }, 'graver'],
    ['a two-level flag', { kind: 'flag', levels: [{ grade: 'orange', threshold: 1 }, { grade: 'red', threshold: 2 }] }, 'exactly one level'],
    ['a rate rule without a window', { kind: 'rate-of-rise', windowS: undefined }, 'windowS'],
    ['a negative debounce', { debounceS: -1 }, 'must be finite'],
    ['a metric the type does not report', { metric: 'smoke' }, 'does not report smoke'],
    ['an unknown metric', { metric: 'humidity' as Rule['metric'] }, 'unknown metric humidity'],
  ])('refuses %s', (_, change, message) => {
    expect(() => validateRuleSet(withGasRule(change))).toThrow(message);
  });

  it('accepts below levels with falling thresholds', () => {
    const set = defaultRuleSet();
    set.hydrant_monitor[0].levels = [{ grade: 'yellow', threshold: 0.1 }, { grade: 'orange', threshold: 0.05 }];
    expect(() => validateRuleSet(set)).not.toThrow();
  });

  it('refuses a duplicate rule id and a missing device type', () => {
    const set = defaultRuleSet();
    set.co_detector = [set.co_detector[0], set.co_detector[0]];
    expect(() => validateRuleSet(set)).toThrow('co_detector has rule co.high twice');
    const missing = defaultRuleSet() as Partial<RuleSet>;
    delete missing.fire_door_sensor;
    expect(() => validateRuleSet(missing as RuleSet)).toThrow('no rules for device type fire_door_sensor');
  });
});
