import { DynamicModule, Global, Injectable, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { Bus, BUS } from './bus';
import { InProcessBus } from './in-process-bus';

@Injectable()
class BusLifecycle implements OnApplicationShutdown {
  constructor(@Inject(BUS) private readonly bus: Bus) {}
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
          useFactory: (config: AppConfig): Bus => {
            if (config.KAFKA_BROKERS) {
              throw new Error('KAFKA_BROKERS is set, but this build has no Kafka adapter yet; unset it to run on the in-process bus');
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
