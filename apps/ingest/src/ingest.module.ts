import { Module } from '@nestjs/common';
import { DeviceMqttAuthorizer } from './device-mqtt-authorizer';
import { DeviceRegistry } from './device-registry';
import { IngestMetrics } from './ingest.metrics';
import { MqttIngestService } from './mqtt-ingest.service';

@Module({ providers: [MqttIngestService, DeviceRegistry, IngestMetrics, DeviceMqttAuthorizer], exports: [MqttIngestService] })
export class IngestModule {}
