import 'reflect-metadata';
import { InfrastructureModule, runMain } from '@app/config';
import { CommandCenterModule } from './command-center.module';

void runMain('command-center', (config) => ({
  module: CommandCenterModule,
  imports: [InfrastructureModule.forRoot(config, 'command-center')],
}));
