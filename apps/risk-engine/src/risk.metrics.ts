import { Injectable } from '@nestjs/common';
import { counter, histogram } from '@app/observability';

@Injectable()
export class RiskMetrics {
  readonly readingsStored = counter({ name: 'zone_readings_stored_total', help: 'Reading values stored' });
  readonly alarms = counter({
    name: 'zone_alarm_transitions_total',
    help: 'Alarm transitions by type and grade',
    labelNames: ['type', 'grade'],
  });
  /** From the MQTT edge taking a reading to its alarm being on the bus (the live stream and dispatch read it from there). */
  readonly publishToAlarm = histogram({
    name: 'zone_publish_to_alarm_seconds',
    help: 'From a reading received at the MQTT edge to its alarm published on the bus',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });
  readonly deadLetters = counter({
    name: 'zone_dead_letters_stored_total',
    help: 'Dead letters stored, by reason',
    labelNames: ['reason'],
  });
}
