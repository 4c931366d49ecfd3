import type { RuleSet } from './rule';
import { parseRuleFileData } from './rule-file';
import shippedRuleFile from './default-rules.json';

export const RuleIds = {
  smoke: 'smoke.alarm',
  temperatureFixed: 'temperature.fixed',
  temperatureRateOfRise: 'temperature.rate-of-rise',
  gasLel: 'gas_lel.high',
  co: 'co.high',
  residualCurrent: 'residual_current.high',
  residualCurrentIntermittent: 'residual_current.intermittent',
  cableTemperature: 'cable_temperature.high',
  hydrantPressure: 'hydrant_pressure.low',
  hydrantPressureDrop: 'hydrant_pressure.sudden-drop',
  gasLelRising: 'gas_lel.rising',
  fireLaneBlocked: 'fire_lane_blocked.hazard',
  fireDoorOpen: 'fire_door_open.hazard',
  deviceFault: 'device.fault',
  batteryLow: 'battery.low',
} as const;

// default-rules.json is the one source of the defaults: it ships as the example of a rule file, and a
// RULES_FILE replaces it as a whole. Parsed once, when the module loads; a broken one fails every test.
const SHIPPED = parseRuleFileData(shippedRuleFile);

/** The version of the shipped default rules. */
export const DEFAULT_RULES_VERSION = SHIPPED.version;

/** The SPEC.md thresholds, from default-rules.json. A fresh copy each call. */
export function defaultRuleSet(): RuleSet {
  return structuredClone(SHIPPED.rules);
}
