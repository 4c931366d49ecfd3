import { Injectable } from '@nestjs/common';
import { Counter, register } from 'prom-client';

function counter<T extends string>(name: string, help: string, labelNames: T[] = []): Counter<T> {
  const existing = register.getSingleMetric(name);
  return (existing as Counter<T>) ?? new Counter({ name, help, labelNames });
}

@Injectable()
export class RiskMetrics {
  readonly readingsStored = counter('zone_readings_stored_total', 'Reading values stored');
  readonly alarms = counter('zone_alarm_transitions_total', 'Alarm transitions by type and grade', ['type', 'grade']);
  readonly deadLetters = counter('zone_dead_letters_stored_total', 'Dead letters stored, by reason', ['reason']);
}
