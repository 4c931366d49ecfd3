import { Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { configToken, InjectConfig, MqttConfig, MqttEdgeConfig } from '@app/config';
import { HealthChecks, ObservabilityModule } from '@app/observability';
import { EmbeddedMqttBroker } from './embedded-mqtt-broker';

/** The URL ingest connects to: MQTT_URL, or the embedded broker started here. */
export const MQTT_BROKER_URL = Symbol('MQTT_BROKER_URL');

@Injectable()
class BrokerLifecycle implements OnApplicationShutdown {
  constructor(
    private readonly broker: EmbeddedMqttBroker,
    @InjectConfig('mqtt') config: MqttConfig,
    health: HealthChecks,
  ) {
    if (!config.url) {
      health.register('mqttBroker', () =>
        this.broker.running
          ? Promise.resolve({ embedded: true, port: this.broker.port, clients: this.broker.connectedClients })
          : Promise.reject(new Error('embedded broker is not listening')),
      );
    }
  }
  async onApplicationShutdown(): Promise<void> {
    await this.broker.stop();
  }
}

/** The embedded MQTT broker, started unless an external one is configured. Static, so one per process. */
@Module({
  imports: [ObservabilityModule],
  providers: [
    EmbeddedMqttBroker,
    {
      provide: MQTT_BROKER_URL,
      inject: [configToken('mqtt'), configToken('mqttEdge'), EmbeddedMqttBroker],
      useFactory: async (mqtt: MqttConfig, edge: MqttEdgeConfig, broker: EmbeddedMqttBroker): Promise<string> => {
        if (mqtt.url) return mqtt.url;
        const port = await broker.start({
          host: mqtt.host,
          port: mqtt.port,
          deviceAuth: mqtt.deviceAuth,
          plain: edge.plain,
          tls: edge.tls,
        });
        const auth =
          mqtt.deviceAuth === 'required'
            ? 'devices log in with their credentials'
            : 'MQTT_DEVICE_AUTH=off: any client may publish as any device';
        const listeners = [
          ...(edge.plain ? [`${mqtt.host}:${port}`] : []),
          ...(edge.tls ? [`TLS ${mqtt.host}:${broker.tlsPort} (client certificates ${edge.tls.clientAuth})`] : []),
        ];
        new Logger('MqttBroker').log(`embedded MQTT broker listening on ${listeners.join(' and ')} (${auth})`);
        return edge.plain ? `mqtt://127.0.0.1:${port}` : `mqtts://127.0.0.1:${port}`;
      },
    },
    BrokerLifecycle,
  ],
  exports: [MQTT_BROKER_URL, EmbeddedMqttBroker],
})
export class MqttBrokerModule {}
