import { Module } from '@nestjs/common';
import { DeviceRegistry } from './device-registry';
import { IngestMetrics } from './ingest.metrics';
import { MqttIngestService } from './mqtt-ingest.service';

@Module({ providers: [MqttIngestService, DeviceRegistry, IngestMetrics], exports: [MqttIngestService] })
export class IngestModule {}
