/** Metrics a device may report (SPEC.md), with the JSON type each one takes. */
export const METRICS = {
  smoke: { unit: 'dB/m', kind: 'number-or-boolean' },
  temperature: { unit: '°C', kind: 'number' },
  gas_lel: { unit: '%LEL', kind: 'number' },
  co: { unit: 'ppm', kind: 'number' },
  residual_current: { unit: 'mA', kind: 'number' },
  cable_temperature: { unit: '°C', kind: 'number' },
  hydrant_pressure: { unit: 'MPa', kind: 'number' },
  fire_lane_blocked: { unit: 'bool', kind: 'boolean' },
  fire_door_open: { unit: 'bool', kind: 'boolean' },
  battery: { unit: '%', kind: 'number' },
  fault: { unit: 'bool', kind: 'boolean' },
} as const;
export type MetricName = keyof typeof METRICS;
export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];

export function isMetricName(name: string): name is MetricName {
  return Object.prototype.hasOwnProperty.call(METRICS, name);
}

/** Device types of the zone and the metrics each reports. */
export const DEVICE_TYPES = {
  smoke_detector: { metrics: ['smoke', 'temperature'], reportIntervalS: 30 },
  heat_detector: { metrics: ['temperature'], reportIntervalS: 30 },
  gas_detector: { metrics: ['gas_lel', 'co'], reportIntervalS: 10 },
  co_detector: { metrics: ['co'], reportIntervalS: 30 },
  electrical_fire_monitor: { metrics: ['residual_current', 'cable_temperature'], reportIntervalS: 15 },
  hydrant_monitor: { metrics: ['hydrant_pressure'], reportIntervalS: 60 },
  fire_lane_camera: { metrics: ['fire_lane_blocked'], reportIntervalS: 60 },
  fire_door_sensor: { metrics: ['fire_door_open'], reportIntervalS: 60 },
} as const satisfies Record<string, { metrics: readonly MetricName[]; reportIntervalS: number }>;
export type DeviceType = keyof typeof DEVICE_TYPES;

/**
 * What any device may report of itself beside its type's metrics: `battery` (charge left, %) and `fault`
 * (true while the device reports a fault of its own, a trouble signal in NFPA 72's words). Optional in every reading.
 */
export const DEVICE_HEALTH_METRICS = ['battery', 'fault'] as const satisfies readonly MetricName[];

/** Every metric a device of this type may report: its type's metrics and the health metrics. */
export function reportedMetrics(type: DeviceType): readonly MetricName[] {
  return [...DEVICE_TYPES[type].metrics, ...DEVICE_HEALTH_METRICS];
}
export const DEVICE_TYPE_NAMES = Object.keys(DEVICE_TYPES) as DeviceType[];

export function isDeviceType(name: string): name is DeviceType {
  return Object.prototype.hasOwnProperty.call(DEVICE_TYPES, name);
}
