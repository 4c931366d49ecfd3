import type { DeviceType, MetricName, ReadingValue } from '@app/contracts';

/** What the risk evaluator needs of a reading; a TelemetryReadingV1 fits as it is. */
export interface EvaluatedReading {
  deviceId: string;
  deviceType: DeviceType;
  ts: number;
  readings: Partial<Record<MetricName, ReadingValue>>;
}
