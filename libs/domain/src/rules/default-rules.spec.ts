import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEVICE_TYPES, DEVICE_TYPE_NAMES, reportedMetrics, type Grade, type SignalClass } from '@app/contracts';
import { DEFAULT_RULES_VERSION, defaultRuleSet, RuleIds } from './default-rules';
import { parseRuleFile } from './rule-file';
import { validateRuleSet } from './rule-set-validation';

describe('defaultRuleSet', () => {
  const sut = defaultRuleSet();

  it('is a valid rule set', () => {
    expect(() => validateRuleSet(sut)).not.toThrow();
  });

  it.each(DEVICE_TYPE_NAMES)('gives %s a rule for every metric it reports, its health metrics included, and no other', (type) => {
    const metrics = new Set(sut[type].map((r) => r.metric));
    expect([...metrics].sort()).toEqual([...reportedMetrics(type)].sort());
  });

  it.each<[string, SignalClass]>([
    [RuleIds.smoke, 'fire'],
    [RuleIds.temperatureFixed, 'fire'],
    [RuleIds.temperatureRateOfRise, 'fire'],
    [RuleIds.gasLel, 'alarm'],
    [RuleIds.gasLelRising, 'alarm'],
    [RuleIds.co, 'alarm'],
    [RuleIds.residualCurrent, 'alarm'],
    [RuleIds.residualCurrentIntermittent, 'alarm'],
    [RuleIds.cableTemperature, 'alarm'],
    [RuleIds.hydrantPressure, 'supervisory'],
    [RuleIds.hydrantPressureDrop, 'supervisory'],
    [RuleIds.fireLaneBlocked, 'supervisory'],
    [RuleIds.fireDoorOpen, 'supervisory'],
    [RuleIds.deviceFault, 'fault'],
    [RuleIds.batteryLow, 'fault'],
  ])('classes %s as %s on every device type that has it', (id, signalClass) => {
    const classes = DEVICE_TYPE_NAMES.flatMap((type) => sut[type].filter((r) => r.id === id).map((r) => r.class));
    expect(classes.length).toBeGreaterThan(0);
    expect(new Set(classes)).toEqual(new Set([signalClass]));
  });

  it.each(DEVICE_TYPE_NAMES)('keeps every fault rule of %s below orange, so a fault never dispatches a crew', (type) => {
    for (const rule of sut[type].filter((r) => r.class === 'fault')) {
      for (const level of rule.levels) expect(['blue', 'yellow']).toContain(level.grade);
    }
  });

  it.each([
    ['smoke_detector', [RuleIds.smoke, RuleIds.temperatureFixed, RuleIds.temperatureRateOfRise]],
    ['heat_detector', [RuleIds.temperatureFixed, RuleIds.temperatureRateOfRise]],
    ['gas_detector', [RuleIds.gasLel, RuleIds.gasLelRising, RuleIds.co]],
    ['co_detector', [RuleIds.co]],
    ['electrical_fire_monitor', [RuleIds.residualCurrent, RuleIds.residualCurrentIntermittent, RuleIds.cableTemperature]],
    ['hydrant_monitor', [RuleIds.hydrantPressure, RuleIds.hydrantPressureDrop]],
    ['fire_lane_camera', [RuleIds.fireLaneBlocked]],
    ['fire_door_sensor', [RuleIds.fireDoorOpen]],
  ] as const)('%s gets %p and the health rules', (type, ids) => {
    expect(sut[type].map((r) => r.id)).toEqual([...ids, RuleIds.deviceFault, RuleIds.batteryLow]);
  });

  it.each<[string, Array<[Grade, number]>, number]>([
    [RuleIds.smoke, [['orange', 0.15]], 0],
    [RuleIds.temperatureFixed, [['orange', 57]], 0],
    [RuleIds.temperatureRateOfRise, [['orange', 10]], 0],
    [
      RuleIds.gasLel,
      [
        ['orange', 25],
        ['red', 50],
      ],
      0,
    ],
    [
      RuleIds.co,
      [
        ['yellow', 24],
        ['orange', 160],
      ],
      0,
    ],
    [
      RuleIds.residualCurrent,
      [
        ['yellow', 300],
        ['orange', 500],
      ],
      10,
    ],
    [RuleIds.residualCurrentIntermittent, [['yellow', 300]], 0],
    [
      RuleIds.cableTemperature,
      [
        ['yellow', 80],
        ['orange', 100],
      ],
      0,
    ],
    [RuleIds.hydrantPressure, [['yellow', 0.1]], 30],
    [RuleIds.hydrantPressureDrop, [['yellow', 0.025]], 0],
    [RuleIds.fireLaneBlocked, [['blue', 1]], 60],
    [RuleIds.fireDoorOpen, [['blue', 1]], 60],
  ])('%s has the SPEC.md levels and debounce', (id, levels, debounceS) => {
    const rule = Object.values(sut)
      .flat()
      .find((r) => r.id === id);
    expect(rule?.levels.map((l) => [l.grade, l.threshold])).toEqual(levels);
    expect(rule?.debounceS).toBe(debounceS);
    expect(rule?.description).toMatch(/\S/);
  });

  it('measures a hydrant pressure drop over two reporting intervals and counts residual current trips 3 times in 10 minutes', () => {
    expect(sut.hydrant_monitor[1]).toMatchObject({ kind: 'sudden-drop', windowS: 2 * DEVICE_TYPES.hydrant_monitor.reportIntervalS });
    expect(sut.electrical_fire_monitor[1]).toMatchObject({ kind: 'count-in-window', windowS: 600, count: 3, hysteresis: 50 });
  });

  it('is exactly what the shipped default-rules.json says, with its version', () => {
    const file = parseRuleFile(readFileSync(join(__dirname, 'default-rules.json'), 'utf8'));
    expect(file).toEqual({ version: '2026.12-1', rules: sut });
    expect(DEFAULT_RULES_VERSION).toBe('2026.12-1');
  });

  it('hands out a fresh copy each time', () => {
    const other = defaultRuleSet();
    other.heat_detector[0].levels[0].threshold = 1;
    expect(defaultRuleSet().heat_detector[0].levels[0].threshold).toBe(57);
  });
});
