import 'reflect-metadata';
import { ConfigModule, LoggerModule, runMain } from '@app/config';
import { ObservabilityModule } from '@app/observability';
import { StorageModule } from '@app/storage';
import { BusModule } from '@app/transport';
import { DispatchModule } from './dispatch.module';

void runMain('dispatch', (config) => ({
  module: DispatchModule,
  imports: [
    ConfigModule.forRoot(config),
    ObservabilityModule,
    LoggerModule.forRoot(config, 'dispatch'),
    StorageModule.forRoot(),
    BusModule.forRoot(),
  ],
}));
