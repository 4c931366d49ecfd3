import { Injectable } from '@nestjs/common';
import { counter } from '@app/observability';

@Injectable()
export class IngestMetrics {
  readonly messages = counter({ name: 'zone_mqtt_messages_total', help: 'MQTT messages received' });
  readonly readings = counter({ name: 'zone_readings_accepted_total', help: 'Readings accepted onto the bus' });
  readonly deadLetters = counter({
    name: 'zone_dead_letters_total',
    help: 'Messages or readings refused at the MQTT edge, by reason',
    labelNames: ['reason'],
  });
  readonly refused = counter({
    name: 'zone_mqtt_refused_total',
    help: 'Connections, publishes and subscriptions the embedded broker refused, by reason',
    labelNames: ['reason'],
  });
}
