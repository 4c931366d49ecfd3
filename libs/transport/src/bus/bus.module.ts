import { DynamicModule, Global, Injectable, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { gauge, HealthChecks } from '@app/observability';
import { Bus, BUS } from './bus';
import { InProcessBus } from './in-process-bus';
import { KafkaBus } from './kafka-bus';
import { Topics } from '@app/contracts';

@Injectable()
class BusLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(BUS) private readonly bus: Bus,
    health: HealthChecks,
  ) {
    health.register('bus', () => this.bus.ping());
    // One bus per process; a later app module of the same process reads the same one.
    gauge(
      {
        name: 'zone_bus_lag_messages',
        help: 'Messages published and not yet handled, per topic and consumer group of this process',
        labelNames: ['topic', 'group'],
        collect() {
          this.reset();
          for (const l of bus.lag()) this.set({ topic: l.topic, group: l.group }, l.lag);
        },
      },
      { replace: true },
    );
  }
  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
}

@Global()
@Module({})
export class BusModule {
  static forRoot(): DynamicModule {
    return {
      module: BusModule,
      providers: [
        {
          provide: BUS,
          inject: [APP_CONFIG],
          useFactory: async (config: AppConfig): Promise<Bus> => {
            if (config.KAFKA_BROKERS) {
              const bus = new KafkaBus({
                brokers: config.KAFKA_BROKERS.split(',').map((b) => b.trim()),
                clientId: config.KAFKA_CLIENT_ID,
                topics: Object.values(Topics),
                partitions: config.KAFKA_PARTITIONS,
                replicationFactor: config.KAFKA_REPLICATION_FACTOR,
                deadLetterTopic: Topics.deadLetters,
                namePrefix: config.KAFKA_NAME_PREFIX,
                logger: new Logger('KafkaBus'),
              });
              await bus.connect();
              return bus;
            }
            const logger = new Logger('InProcessBus');
            return new InProcessBus({
              onHandlerError: (topic, group, error, attempt) =>
                logger.warn(`${group} failed on ${topic} (attempt ${attempt}), retrying: ${(error as Error).message}`),
            });
          },
        },
        BusLifecycle,
      ],
      exports: [BUS],
    };
  }
}
