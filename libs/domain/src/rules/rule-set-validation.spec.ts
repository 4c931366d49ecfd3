import { defaultRuleSet } from './default-rules';
import type { Rule, RuleSet } from './rule';
import { ruleSetProblem, validateRuleSet } from './rule-set-validation';

function withGasRule(change: Partial<Rule>): RuleSet {
  const set = defaultRuleSet();
  set.gas_detector = [{ ...set.gas_detector[0], ...change }];
  return set;
}

const counting: Partial<Rule> = { kind: 'count-in-window', levels: [{ grade: 'yellow', threshold: 20 }], windowS: 600, count: 3 };

describe('validateRuleSet', () => {
  it.each<[string, Partial<Rule>, string]>([
    ['no levels', { levels: [] }, 'levels must not be empty'],
    [
      'thresholds not rising',
      {
        levels: [
          { grade: 'orange', threshold: 50 },
          { grade: 'red', threshold: 25 },
        ],
      },
      'levels[1].threshold must be above levels[0].threshold: levels are listed mildest first',
    ],
    [
      'equal thresholds',
      {
        levels: [
          { grade: 'orange', threshold: 25 },
          { grade: 'red', threshold: 25 },
        ],
      },
      'levels[1].threshold must be above',
    ],
    [
      'grades not rising',
      {
        levels: [
          { grade: 'red', threshold: 25 },
          { grade: 'orange', threshold: 50 },
        ],
      },
      'levels[1].grade must be graver than levels[0].grade (red)',
    ],
    [
      'a two-level flag',
      {
        kind: 'flag',
        levels: [
          { grade: 'orange', threshold: 1 },
          { grade: 'red', threshold: 2 },
        ],
      },
      'levels must have exactly one level for a flag rule',
    ],
    ['a rate rule without a window', { kind: 'rate-of-rise', windowS: undefined }, 'windowS is required for a rate-of-rise rule'],
    ['a drop rule without a window', { kind: 'sudden-drop' }, 'windowS is required for a sudden-drop rule'],
    ['a zero window', { kind: 'sudden-drop', windowS: 0 }, 'windowS must be a number > 0'],
    ['a negative window', { ...counting, windowS: -60 }, 'windowS must be a number > 0'],
    ['a window on a threshold rule', { windowS: 60 }, 'windowS is only for rate-of-rise, sudden-drop, count-in-window rules'],
    ['a zero rate', { kind: 'sudden-drop', windowS: 60, levels: [{ grade: 'yellow', threshold: 0 }] }, 'levels[0].threshold must be > 0'],
    ['a count rule without a count', { ...counting, count: undefined }, 'count is required for a count-in-window rule'],
    ['a count rule without a window', { ...counting, windowS: undefined }, 'windowS is required for a count-in-window rule'],
    ['a count of 0', { ...counting, count: 0 }, 'count must be a whole number from 1 to 100'],
    ['a fractional count', { ...counting, count: 2.5 }, 'count must be a whole number from 1 to 100'],
    ['a count above the bound', { ...counting, count: 101 }, 'count must be a whole number from 1 to 100'],
    [
      'a two-level count rule',
      {
        ...counting,
        levels: [
          { grade: 'yellow', threshold: 20 },
          { grade: 'orange', threshold: 40 },
        ],
      },
      'exactly one level for a count-in-window rule',
    ],
    ['a count on another kind', { count: 3 }, 'count is only for count-in-window rules'],
    ['a negative debounce', { debounceS: -1 }, 'debounceS must be a number >= 0'],
    ['a negative hysteresis', { hysteresis: -0.5 }, 'hysteresis must be a number >= 0'],
    ['an infinite clear delay', { clearAfterS: Infinity }, 'clearAfterS must be a number >= 0'],
    ['a NaN threshold', { levels: [{ grade: 'orange', threshold: Number.NaN }] }, 'levels[0].threshold must be a finite number'],
    [
      'a metric the type does not report',
      { metric: 'smoke' },
      'gas_detector rule "gas_lel.high": metric smoke is not reported by gas_detector (it reports gas_lel, co, battery, fault)',
    ],
    ['an unknown metric', { metric: 'humidity' as Rule['metric'] }, 'metric humidity is not a known metric'],
    ['an empty id', { id: '' }, 'gas_detector rule [0]: id must be a non-empty string'],
    ['an unknown class', { class: 'emergency' as Rule['class'] }, 'class must be one of fire, alarm, supervisory, fault'],
    [
      'a fault that would dispatch a crew',
      { class: 'fault' },
      'gas_detector rule "gas_lel.high": levels[0].grade must be yellow or blue: a fault goes to maintenance and never dispatches a crew',
    ],
  ])('refuses %s', (_, change, message) => {
    expect(() => validateRuleSet(withGasRule(change))).toThrow(`rule set: gas_detector rule`);
    expect(ruleSetProblem(withGasRule(change))).toContain(message);
  });

  it('refuses a threshold kind on a boolean metric', () => {
    const set = defaultRuleSet();
    set.fire_door_sensor = [{ ...set.fire_door_sensor[0], kind: 'sudden-drop', windowS: 60 }];
    expect(ruleSetProblem(set)).toBe(
      'fire_door_sensor rule "fire_door_open.hazard": kind sudden-drop cannot judge fire_door_open, which is true or false',
    );
  });

  it.each<[string, Partial<Rule>]>([
    ['a count rule', counting],
    [
      'a drop rule',
      {
        kind: 'sudden-drop',
        windowS: 120,
        levels: [
          { grade: 'yellow', threshold: 5 },
          { grade: 'orange', threshold: 10 },
        ],
      },
    ],
    ['a count rule of 1', { ...counting, count: 1 }],
    ['a count rule of 100', { ...counting, count: 100 }],
  ])('accepts %s', (_, change) => {
    expect(() => validateRuleSet(withGasRule(change))).not.toThrow();
  });

  it('accepts below levels with falling thresholds', () => {
    const set = defaultRuleSet();
    set.hydrant_monitor[0].levels = [
      { grade: 'yellow', threshold: 0.1 },
      { grade: 'orange', threshold: 0.05 },
    ];
    expect(() => validateRuleSet(set)).not.toThrow();
    set.hydrant_monitor[0].levels = [
      { grade: 'yellow', threshold: 0.05 },
      { grade: 'orange', threshold: 0.1 },
    ];
    expect(ruleSetProblem(set)).toContain('levels[1].threshold must be below levels[0].threshold');
  });

  it('accepts a device type without rules', () => {
    const set = defaultRuleSet();
    set.fire_lane_camera = [];
    expect(ruleSetProblem(set)).toBeNull();
  });

  it('refuses a duplicate rule id, a missing device type and an unknown one', () => {
    const set = defaultRuleSet();
    set.co_detector = [set.co_detector[0], set.co_detector[0]];
    expect(() => validateRuleSet(set)).toThrow('rule set: co_detector rule "co.high": id is used by rule [0] of co_detector too');
    const missing = defaultRuleSet() as Partial<RuleSet>;
    delete missing.fire_door_sensor;
    expect(() => validateRuleSet(missing as RuleSet)).toThrow('rule set: no rules for device type fire_door_sensor');
    const extra = { ...defaultRuleSet(), toaster: [] } as RuleSet;
    expect(() => validateRuleSet(extra)).toThrow('rule set: unknown device type toaster');
  });

  it('allows the same rule id on two device types', () => {
    const set = defaultRuleSet();
    expect(set.smoke_detector.map((r) => r.id)).toContain('temperature.fixed');
    expect(set.heat_detector.map((r) => r.id)).toContain('temperature.fixed');
    expect(ruleSetProblem(set)).toBeNull();
  });
});
