import 'reflect-metadata';
import { ConfigModule, LoggerModule, runMain } from '@app/config';
import { StorageModule } from '@app/storage';
import { BusModule } from '@app/transport';
import { CommandCenterModule } from './command-center.module';

void runMain('command-center', (config) => ({
  module: CommandCenterModule,
  imports: [ConfigModule.forRoot(config), LoggerModule.forRoot(config, 'command-center'), StorageModule.forRoot(), BusModule.forRoot()],
}));
