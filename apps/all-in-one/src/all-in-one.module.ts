import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule, LoggerModule } from '@app/config';
import { ObservabilityModule } from '@app/observability';
import { StorageModule } from '@app/storage';
import { BusModule, MqttBrokerModule } from '@app/transport';
import { CommandCenterModule } from '../../command-center/src/command-center.module';
import { DispatchModule } from '../../dispatch/src/dispatch.module';
import { IngestModule } from '../../ingest/src/ingest.module';
import { RiskEngineModule } from '../../risk-engine/src/risk-engine.module';

/** The whole system in one process: embedded MQTT broker, PGlite/TimescaleDB and the in-process bus by default. */
@Module({})
export class AllInOneModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AllInOneModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(config, 'all-in-one'),
        ObservabilityModule,
        StorageModule.forRoot(),
        BusModule.forRoot(),
        MqttBrokerModule.forRoot(),
        IngestModule,
        RiskEngineModule,
        DispatchModule,
        CommandCenterModule,
      ],
    };
  }
}
