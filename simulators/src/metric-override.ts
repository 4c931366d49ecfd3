import { ReadingValue } from '@app/contracts';

/** A scenario's hold on one metric of one device: a fixed value, or a linear ramp in scenario time. */
export type MetricOverride =
  { kind: 'set'; value: ReadingValue } | { kind: 'ramp'; from: number; to: number; startS: number; overS: number };

export function overrideValue(override: MetricOverride, scenarioS: number): ReadingValue {
  if (override.kind === 'set') return override.value;
  const f = override.overS <= 0 ? 1 : Math.min(1, Math.max(0, (scenarioS - override.startS) / override.overS));
  // Four decimals: precise enough for MPa, and no float dust in the payloads.
  return Math.round((override.from + (override.to - override.from) * f) * 1e4) / 1e4;
}
