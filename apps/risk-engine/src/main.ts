import 'reflect-metadata';
import { ConfigModule, LoggerModule, runMain } from '@app/config';
import { StorageModule } from '@app/storage';
import { BusModule } from '@app/transport';
import { RiskEngineModule } from './risk-engine.module';

void runMain('risk-engine', (config) => ({
  module: RiskEngineModule,
  imports: [ConfigModule.forRoot(config), LoggerModule.forRoot(config, 'risk-engine'), StorageModule.forRoot(), BusModule.forRoot()],
}));
