import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultRuleSet } from './default-rules';
import { RiskEvaluator } from './risk-evaluator';
import { parseRuleFile } from './rule-file';
import { RuleFileError } from './rule-file-error';

type RawRule = Record<string, unknown> & { levels: Array<Record<string, unknown>> };
interface RawFile {
  [field: string]: unknown;
  deviceTypes: Record<string, unknown>;
}

const shipped = readFileSync(join(__dirname, 'default-rules.json'), 'utf8');

/** The shipped file with one change made to it, as text. */
function changed(change: (file: RawFile, rule: (type: string, i: number) => RawRule) => void): string {
  const file = JSON.parse(shipped) as RawFile;
  change(file, (type, i) => (file.deviceTypes[type] as RawRule[])[i]);
  return JSON.stringify(file);
}

describe('parseRuleFile', () => {
  it('reads the shipped file', () => {
    expect(parseRuleFile(shipped)).toEqual({ version: '2026.12-1', rules: defaultRuleSet() });
  });

  it('reads back a rule set written out as a rule file', () => {
    const text = JSON.stringify({ version: 'site-7', deviceTypes: defaultRuleSet() }, null, 2);
    expect(parseRuleFile(text)).toEqual({ version: 'site-7', rules: defaultRuleSet() });
  });

  it.each<[string, string, string]>([
    ['not JSON', '{"version": "1",', 'rule file: not valid JSON: '],
    ['not an object', '[]', 'rule file: must be an object with "version" and "deviceTypes"'],
    ['no version', changed((f) => delete f.version), 'rule file: version is required'],
    ['an empty version', changed((f) => (f.version = '')), 'rule file: version must not be empty'],
    ['a numeric version', changed((f) => (f.version = 3)), 'rule file: version must be a string'],
    ['an unknown top-level field', changed((f) => (f.rules = {})), 'rule file: rules is not a known field'],
    [
      'device types not an object',
      changed((f) => Object.assign(f, { deviceTypes: [] })),
      'rule file: deviceTypes must be an object of device type: [rules]',
    ],
    ['an unknown device type', changed((f) => (f.deviceTypes.toaster = [])), 'rule file: unknown device type toaster'],
    [
      'a missing device type',
      changed((f) => delete f.deviceTypes.fire_door_sensor),
      'rule file: no rules for device type fire_door_sensor (give it [] for none)',
    ],
    ['rules not a list', changed((f) => (f.deviceTypes.co_detector = {})), 'rule file: co_detector must be a list of rules'],
    [
      'a rule that is not an object',
      changed((f) => (f.deviceTypes.co_detector = [42])),
      'rule file: co_detector rule [0]: must be an object',
    ],
    ['a rule without an id', changed((_, r) => delete r('co_detector', 0).id), 'rule file: co_detector rule [0]: id is required'],
    [
      'a rule without a class',
      changed((_, r) => delete r('co_detector', 0).class),
      'rule file: co_detector rule "co.high": class is required',
    ],
    [
      'an unknown class',
      changed((_, r) => (r('co_detector', 0).class = 'urgent')),
      'rule file: co_detector rule "co.high": class must be one of fire, alarm, supervisory, fault',
    ],
    [
      'an unknown grade',
      changed((_, r) => (r('smoke_detector', 0).levels[0].grade = 'purple')),
      'rule file: smoke_detector rule "smoke.alarm": levels[0].grade must be one of red, orange, yellow, blue',
    ],
    [
      'a threshold as text',
      changed((_, r) => (r('smoke_detector', 0).levels[0].threshold = '0.15')),
      'rule file: smoke_detector rule "smoke.alarm": levels[0].threshold must be a number',
    ],
    [
      'a misspelt field',
      changed((_, r) => {
        const level = r('gas_detector', 0).levels[1];
        level.treshold = level.threshold;
        delete level.threshold;
      }),
      'rule file: gas_detector rule "gas_lel.high": levels[1].treshold is not a known field',
    ],
    [
      'an unknown kind',
      changed((_, r) => (r('heat_detector', 0).kind = 'sudden-rise')),
      'rule file: heat_detector rule "temperature.fixed": kind must be one of above, below, flag, rate-of-rise, sudden-drop, count-in-window',
    ],
    [
      'no description',
      changed((_, r) => delete r('heat_detector', 0).description),
      'rule file: heat_detector rule "temperature.fixed": description is required',
    ],
    [
      'a metric of another device type',
      changed((_, r) => (r('smoke_detector', 0).metric = 'gas_lel')),
      'rule file: smoke_detector rule "smoke.alarm": metric gas_lel is not reported by smoke_detector (it reports smoke, temperature, battery, fault)',
    ],
    [
      'an unknown metric',
      changed((_, r) => (r('co_detector', 0).metric = 'humidity')),
      'rule file: co_detector rule "co.high": metric humidity is not a known metric',
    ],
    [
      'a duplicate rule id',
      changed((f) => (f.deviceTypes.gas_detector as RawRule[]).push({ ...(f.deviceTypes.gas_detector as RawRule[])[0] })),
      'rule file: gas_detector rule "gas_lel.high": id is used by rule [0] of gas_detector too',
    ],
    [
      'levels not mildest first',
      changed((_, r) => r('co_detector', 0).levels.reverse()),
      'rule file: co_detector rule "co.high": levels[1].threshold must be above levels[0].threshold: levels are listed mildest first',
    ],
    [
      'a drop rule without windowS',
      changed((_, r) => delete r('hydrant_monitor', 1).windowS),
      'rule file: hydrant_monitor rule "hydrant_pressure.sudden-drop": windowS is required for a sudden-drop rule',
    ],
    [
      'a count rule without count',
      changed((_, r) => delete r('electrical_fire_monitor', 1).count),
      'rule file: electrical_fire_monitor rule "residual_current.intermittent": count is required for a count-in-window rule',
    ],
    [
      'a count as text',
      changed((_, r) => (r('electrical_fire_monitor', 1).count = 'three')),
      'rule file: electrical_fire_monitor rule "residual_current.intermittent": count must be a number',
    ],
    [
      'a negative debounce',
      changed((_, r) => (r('fire_lane_camera', 0).debounceS = -60)),
      'rule file: fire_lane_camera rule "fire_lane_blocked.hazard": debounceS must be a number >= 0',
    ],
    [
      'a negative clear delay',
      changed((_, r) => (r('fire_lane_camera', 0).clearAfterS = -1)),
      'rule file: fire_lane_camera rule "fire_lane_blocked.hazard": clearAfterS must be a number >= 0',
    ],
    [
      'a negative window',
      changed((_, r) => (r('heat_detector', 1).windowS = -60)),
      'rule file: heat_detector rule "temperature.rate-of-rise": windowS must be a number > 0',
    ],
  ])('refuses %s, naming what is wrong', (_, text, message) => {
    let thrown: unknown;
    try {
      parseRuleFile(text);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(RuleFileError);
    expect((thrown as Error).message.startsWith(message)).toBe(true);
    if (!message.endsWith(': ')) expect((thrown as Error).message).toBe(message);
  });

  it('gives an evaluator its rules, new kinds included', () => {
    const text = changed((f) => {
      f.version = 'doors-1';
      f.deviceTypes.fire_door_sensor = [
        {
          id: 'fire_door_open.often',
          class: 'supervisory',
          metric: 'fire_door_open',
          kind: 'count-in-window',
          levels: [{ grade: 'blue', threshold: 1 }],
          debounceS: 0,
          hysteresis: 0,
          clearAfterS: 0,
          windowS: 3600,
          count: 5,
          description: 'Fire door opened 5 times within an hour',
        },
      ];
    });
    const { version, rules } = parseRuleFile(text);
    expect(version).toBe('doors-1');
    const sut = new RiskEvaluator(rules);
    const seen = [true, false, true, false, true, false, true, false, true].map((open, i) =>
      sut
        .evaluate({ deviceId: 'F', deviceType: 'fire_door_sensor', ts: 60_000 * (i + 1), readings: { fire_door_open: open } })
        .map((t) => `${t.type} ${t.grade} ${t.message}`),
    );
    expect(seen.flat()).toEqual(['raised blue fire door open 5 times within 3600 s']);
  });
});
