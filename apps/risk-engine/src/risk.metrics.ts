import { Injectable } from '@nestjs/common';
import { Counter, Histogram, register } from 'prom-client';

function counter<T extends string>(name: string, help: string, labelNames: T[] = []): Counter<T> {
  const existing = register.getSingleMetric(name);
  return (existing as Counter<T>) ?? new Counter({ name, help, labelNames });
}

@Injectable()
export class RiskMetrics {
  readonly readingsStored = counter('zone_readings_stored_total', 'Reading values stored');
  readonly alarms = counter('zone_alarm_transitions_total', 'Alarm transitions by type and grade', ['type', 'grade']);
  /** From the MQTT edge taking a reading to its alarm being on the bus (the live stream and dispatch read it from there). */
  readonly publishToAlarm =
    (register.getSingleMetric('zone_publish_to_alarm_seconds') as Histogram) ??
    new Histogram({
      name: 'zone_publish_to_alarm_seconds',
      help: 'From a reading received at the MQTT edge to its alarm published on the bus',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    });
  readonly deadLetters = counter('zone_dead_letters_stored_total', 'Dead letters stored, by reason', ['reason']);
}
