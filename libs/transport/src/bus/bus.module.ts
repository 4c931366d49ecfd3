import { Injectable, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { configToken, KafkaConfig } from '@app/config';
import { gauge, HealthChecks, ObservabilityModule } from '@app/observability';
import { Bus, BUS } from './bus';
import { InProcessBus } from './in-process-bus';
import { KafkaBus } from './kafka-bus';
import { Topics } from '@app/contracts';
import { ZoneChanges } from '../zone/zone-changes';

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

/** The bus of the process: Kafka when brokers are configured, else in-process. Static, so one per process. */
@Module({
  imports: [ObservabilityModule],
  providers: [
    {
      provide: BUS,
      inject: [configToken('kafka')],
      useFactory: async (kafka: KafkaConfig): Promise<Bus> => {
        if (kafka.brokers) {
          const bus = new KafkaBus({
            brokers: kafka.brokers,
            clientId: kafka.clientId,
            topics: Object.values(Topics),
            partitions: kafka.partitions,
            replicationFactor: kafka.replicationFactor,
            deadLetterTopic: Topics.deadLetters,
            namePrefix: kafka.namePrefix,
            ssl: kafka.ssl,
            sasl: kafka.sasl,
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
    ZoneChanges,
  ],
  exports: [BUS, ZoneChanges],
})
export class BusModule {}
