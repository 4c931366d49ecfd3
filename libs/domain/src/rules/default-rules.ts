import { DEVICE_TYPES, DEVICE_TYPE_NAMES, type MetricName } from '@app/contracts';
import type { Rule, RuleSet } from './rule';

export const RuleIds = {
  smoke: 'smoke.alarm',
  temperatureFixed: 'temperature.fixed',
  temperatureRateOfRise: 'temperature.rate-of-rise',
  gasLel: 'gas_lel.high',
  co: 'co.high',
  residualCurrent: 'residual_current.high',
  cableTemperature: 'cable_temperature.high',
  hydrantPressure: 'hydrant_pressure.low',
  fireLaneBlocked: 'fire_lane_blocked.hazard',
  fireDoorOpen: 'fire_door_open.hazard',
} as const;

const DEFAULT_RULES: readonly Rule[] = [
  {
    id: RuleIds.smoke,
    metric: 'smoke',
    kind: 'flag',
    levels: [{ grade: 'orange', threshold: 0.15 }],
    debounceS: 0,
    hysteresis: 0.05,
    clearAfterS: 30,
    description: 'Point smoke detector in alarm (GB 4715), or obscuration at or above 0.15 dB/m (SPEC.md)',
  },
  {
    id: RuleIds.temperatureFixed,
    metric: 'temperature',
    kind: 'above',
    levels: [{ grade: 'orange', threshold: 57 }],
    debounceS: 0,
    hysteresis: 5,
    clearAfterS: 30,
    description: 'Fixed-temperature heat alarm at 57 °C (GB 4716 / EN 54-5 class A1 heat detector: 54-65 °C)',
  },
  {
    id: RuleIds.temperatureRateOfRise,
    metric: 'temperature',
    kind: 'rate-of-rise',
    levels: [{ grade: 'orange', threshold: 10 }],
    debounceS: 0,
    hysteresis: 2,
    clearAfterS: 60,
    windowS: 60,
    description: 'Rate-of-rise heat alarm at 10 °C/min over 60 s (GB 4716 / EN 54-5 class A1R, type-tested at 10 °C/min)',
  },
  {
    id: RuleIds.gasLel,
    metric: 'gas_lel',
    kind: 'above',
    levels: [
      { grade: 'orange', threshold: 25 },
      { grade: 'red', threshold: 50 },
    ],
    debounceS: 0,
    hysteresis: 5,
    clearAfterS: 30,
    description: 'Combustible gas first alarm at 25 %LEL, second alarm at 50 %LEL (GB/T 50493-2019)',
  },
  {
    id: RuleIds.co,
    metric: 'co',
    kind: 'above',
    levels: [
      { grade: 'yellow', threshold: 24 },
      { grade: 'orange', threshold: 160 },
    ],
    debounceS: 0,
    hysteresis: 4,
    clearAfterS: 30,
    description: 'Carbon monoxide low alarm at 24 ppm, high alarm at 160 ppm (SPEC.md; two-stage toxic gas alarm as GB/T 50493)',
  },
  {
    id: RuleIds.residualCurrent,
    metric: 'residual_current',
    kind: 'above',
    levels: [
      { grade: 'yellow', threshold: 300 },
      { grade: 'orange', threshold: 500 },
    ],
    debounceS: 10,
    hysteresis: 50,
    clearAfterS: 60,
    description:
      'Residual current alarm at 300 mA, serious at 500 mA (GB 50116-2013 9.2: 300-500 mA; GB 14287.2; normal leakage 100-200 mA)',
  },
  {
    id: RuleIds.cableTemperature,
    metric: 'cable_temperature',
    kind: 'above',
    levels: [
      { grade: 'yellow', threshold: 80 },
      { grade: 'orange', threshold: 100 },
    ],
    debounceS: 0,
    hysteresis: 5,
    clearAfterS: 60,
    description:
      'Cable temperature alarm at 80 °C, serious at 100 °C (GB 14287.3 temperature-sensing electrical fire detector; PVC insulation is rated 70 °C)',
  },
  {
    id: RuleIds.hydrantPressure,
    metric: 'hydrant_pressure',
    kind: 'below',
    levels: [{ grade: 'yellow', threshold: 0.1 }],
    debounceS: 30,
    hysteresis: 0.02,
    clearAfterS: 60,
    description: 'Fire hydrant static pressure below 0.10 MPa for 30 s (GB 50974-2014)',
  },
  {
    id: RuleIds.fireLaneBlocked,
    metric: 'fire_lane_blocked',
    kind: 'flag',
    levels: [{ grade: 'blue', threshold: 1 }],
    debounceS: 60,
    hysteresis: 0,
    clearAfterS: 60,
    description: 'Fire lane blocked for a minute or more (Fire Protection Law of the PRC, art. 28)',
  },
  {
    id: RuleIds.fireDoorOpen,
    metric: 'fire_door_open',
    kind: 'flag',
    levels: [{ grade: 'blue', threshold: 1 }],
    debounceS: 60,
    hysteresis: 0,
    clearAfterS: 60,
    description: 'Normally-closed fire door held open for a minute or more (GB 50016 6.5.1: normally-closed fire doors kept closed)',
  },
];

function rulesFor(metrics: readonly MetricName[]): Rule[] {
  return DEFAULT_RULES.filter((r) => metrics.includes(r.metric)).map((r) => ({
    ...r,
    levels: r.levels.map((l) => ({ ...l })),
  }));
}

/** The SPEC.md thresholds; each device type gets the rules of the metrics it reports. A fresh copy each call. */
export function defaultRuleSet(): RuleSet {
  const set = {} as RuleSet;
  for (const type of DEVICE_TYPE_NAMES) set[type] = rulesFor(DEVICE_TYPES[type].metrics);
  return set;
}
