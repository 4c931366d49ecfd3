import 'reflect-metadata';
import { ConfigModule, LoggerModule, runMain } from '@app/config';
import { ObservabilityModule } from '@app/observability';
import { StorageModule } from '@app/storage';
import { BusModule, MqttBrokerModule } from '@app/transport';
import { IngestModule } from './ingest.module';

void runMain('ingest', (config) => ({
  module: IngestModule,
  imports: [
    ConfigModule.forRoot(config),
    ObservabilityModule,
    LoggerModule.forRoot(config, 'ingest'),
    StorageModule.forRoot(),
    BusModule.forRoot(),
    MqttBrokerModule.forRoot(),
  ],
}));
