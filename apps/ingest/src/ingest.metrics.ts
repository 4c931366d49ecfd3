import { Injectable } from '@nestjs/common';
import { Counter, register } from 'prom-client';

function counter<T extends string>(name: string, help: string, labelNames: T[] = []): Counter<T> {
  return (register.getSingleMetric(name) as Counter<T>) ?? new Counter({ name, help, labelNames });
}

@Injectable()
export class IngestMetrics {
  readonly messages = counter('zone_mqtt_messages_total', 'MQTT messages received');
  readonly readings = counter('zone_readings_accepted_total', 'Readings accepted onto the bus');
  readonly deadLetters = counter('zone_dead_letters_total', 'Messages or readings refused at the MQTT edge, by reason', ['reason']);
  readonly refused = counter('zone_mqtt_refused_total', 'Connections, publishes and subscriptions the embedded broker refused, by reason', [
    'reason',
  ]);
}
