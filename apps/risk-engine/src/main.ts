import 'reflect-metadata';
import { ConfigModule, LoggerModule, runMain } from '@app/config';
import { ObservabilityModule } from '@app/observability';
import { StorageModule } from '@app/storage';
import { BusModule } from '@app/transport';
import { RiskEngineModule } from './risk-engine.module';

void runMain('risk-engine', (config) => ({
  module: RiskEngineModule,
  imports: [
    ConfigModule.forRoot(config),
    ObservabilityModule,
    LoggerModule.forRoot(config, 'risk-engine'),
    StorageModule.forRoot(),
    BusModule.forRoot(),
  ],
}));
