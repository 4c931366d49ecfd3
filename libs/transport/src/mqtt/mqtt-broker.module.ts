import { DynamicModule, Global, Injectable, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { HealthChecks } from '@app/observability';
import { EmbeddedMqttBroker } from './embedded-mqtt-broker';

/** The URL ingest connects to: MQTT_URL, or the embedded broker started here. */
export const MQTT_BROKER_URL = Symbol('MQTT_BROKER_URL');

@Injectable()
class BrokerLifecycle implements OnApplicationShutdown {
  constructor(
    private readonly broker: EmbeddedMqttBroker,
    @Inject(APP_CONFIG) config: AppConfig,
    health: HealthChecks,
  ) {
    if (!config.MQTT_URL) {
      health.register('mqttBroker', async () => {
        if (!this.broker.running) throw new Error('embedded broker is not listening');
        return { embedded: true, port: this.broker.port, clients: this.broker.connectedClients };
      });
    }
  }
  async onApplicationShutdown(): Promise<void> {
    await this.broker.stop();
  }
}

@Global()
@Module({})
export class MqttBrokerModule {
  static forRoot(): DynamicModule {
    return {
      module: MqttBrokerModule,
      providers: [
        EmbeddedMqttBroker,
        {
          provide: MQTT_BROKER_URL,
          inject: [APP_CONFIG, EmbeddedMqttBroker],
          useFactory: async (config: AppConfig, broker: EmbeddedMqttBroker): Promise<string> => {
            if (config.MQTT_URL) return config.MQTT_URL;
            const port = await broker.start({ host: config.MQTT_HOST, port: config.MQTT_PORT, deviceAuth: config.MQTT_DEVICE_AUTH });
            const auth =
              config.MQTT_DEVICE_AUTH === 'required'
                ? 'devices log in with their credentials'
                : 'MQTT_DEVICE_AUTH=off: any client may publish as any device';
            new Logger('MqttBroker').log(`embedded MQTT broker listening on ${config.MQTT_HOST}:${port} (${auth})`);
            return `mqtt://127.0.0.1:${port}`;
          },
        },
        BrokerLifecycle,
      ],
      exports: [MQTT_BROKER_URL, EmbeddedMqttBroker],
    };
  }
}
