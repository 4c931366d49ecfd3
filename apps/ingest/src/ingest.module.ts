import { Module } from '@nestjs/common';
import { ObservabilityModule } from '@app/observability';
import { StorageModule } from '@app/storage';
import { BusModule, MqttBrokerModule } from '@app/transport';
import { DeviceMqttAuthorizer } from './device-mqtt-authorizer';
import { DeviceRegistry } from './device-registry';
import { IngestMetrics } from './ingest.metrics';
import { MqttIngestService } from './mqtt-ingest.service';

@Module({
  imports: [StorageModule, BusModule, MqttBrokerModule, ObservabilityModule],
  providers: [MqttIngestService, DeviceRegistry, IngestMetrics, DeviceMqttAuthorizer],
  exports: [MqttIngestService],
})
export class IngestModule {}
