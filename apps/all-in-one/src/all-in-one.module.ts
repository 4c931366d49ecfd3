import { DynamicModule, Module } from '@nestjs/common';
import { CommandCenterModule } from '@app/command-center';
import { AppConfig, InfrastructureModule } from '@app/config';
import { DispatchModule } from '@app/dispatch';
import { IngestModule } from '@app/ingest';
import { RiskEngineModule } from '@app/risk-engine';

/**
 * The whole system in one process: embedded MQTT broker, PGlite/TimescaleDB and the in-process bus by default.
 * Each app's module brings the storage, bus and broker it uses; Nest makes each of them once for the process.
 */
@Module({})
export class AllInOneModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AllInOneModule,
      imports: [InfrastructureModule.forRoot(config, 'all-in-one'), IngestModule, RiskEngineModule, DispatchModule, CommandCenterModule],
    };
  }
}
