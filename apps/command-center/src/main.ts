import 'reflect-metadata';
import { ConfigModule, LoggerModule, runMain } from '@app/config';
import { ObservabilityModule } from '@app/observability';
import { StorageModule } from '@app/storage';
import { BusModule } from '@app/transport';
import { CommandCenterModule } from './command-center.module';

void runMain('command-center', (config) => ({
  module: CommandCenterModule,
  imports: [
    ConfigModule.forRoot(config),
    ObservabilityModule,
    LoggerModule.forRoot(config, 'command-center'),
    StorageModule.forRoot(),
    BusModule.forRoot(),
  ],
}));
