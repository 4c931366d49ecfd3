import 'reflect-metadata';
import { ConfigModule, LoggerModule, runMain } from '@app/config';
import { StorageModule } from '@app/storage';
import { BusModule, MqttBrokerModule } from '@app/transport';
import { IngestModule } from './ingest.module';

void runMain('ingest', (config) => ({
  module: IngestModule,
  imports: [ConfigModule.forRoot(config), LoggerModule.forRoot(config, 'ingest'), StorageModule.forRoot(), BusModule.forRoot(), MqttBrokerModule.forRoot()],
}));
