import { DynamicModule, Module } from '@nestjs/common';
import { ObservabilityModule } from '@app/observability';
import { AppConfig } from './app-config';
import { ConfigModule } from './config.module';
import { LoggerModule } from './logger.module';

/**
 * What every process has, whatever runs in it: its configuration and clock,
 * structured logs named after the process, GET /health and GET /metrics. The
 * database, the bus and the MQTT broker are imported by the feature modules
 * that use them.
 */
@Module({})
export class InfrastructureModule {
  static forRoot(config: AppConfig, processName: string): DynamicModule {
    return {
      module: InfrastructureModule,
      imports: [ConfigModule.forRoot(config), LoggerModule.forRoot(config.log, processName), ObservabilityModule],
    };
  }
}
