import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { parseDeviceTopic, Topics } from '@app/contracts';
import { APP_CONFIG, AppConfig, CLOCK } from '@app/config';
import { Clock } from '@app/domain';
import { Bus, BUS, MQTT_BROKER_URL, MqttSubscriber } from '@app/transport';
import { DeviceRegistry } from './device-registry';
import { IngestMetrics } from './ingest.metrics';
import { TelemetryValidator } from './telemetry-validator';

/**
 * MQTT → bus. Every message becomes valid readings (key = device id, so a
 * device stays in order) and dead letters with their reason; the broker gets
 * its acknowledgement only after the bus took them.
 */
@Injectable()
export class MqttIngestService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(MqttIngestService.name);
  private readonly subscriber = new MqttSubscriber();
  private readonly validator: TelemetryValidator;

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MQTT_BROKER_URL) private readonly brokerUrl: string,
    private readonly registry: DeviceRegistry,
    private readonly metrics: IngestMetrics,
  ) {
    this.validator = new TelemetryValidator((id) => this.registry.find(id), {
      maxClockSkewMs: config.MAX_CLOCK_SKEW_S * 1000,
      maxReadingAgeMs: config.MAX_READING_AGE_S * 1000,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.registry.load(this.clock.now());
    await this.subscriber.start(
      { url: this.brokerUrl, clientId: `zone-ingest-${randomUUID().slice(0, 8)}`, topics: ['sites/#'], protocolVersion: this.config.MQTT_URL ? 5 : 4 },
      (topic, payload) => this.handle(topic, payload),
    );
    this.logger.log(`ingesting from ${this.brokerUrl.replace(/\/\/[^@]*@/, '//***@')} for ${this.registry.size} devices`);
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscriber.stop();
  }

  get connected(): boolean {
    return this.subscriber.connected;
  }

  async handle(topic: string, payload: Buffer): Promise<void> {
    this.metrics.messages.inc();
    const parsed = parseDeviceTopic(topic);
    if (parsed && !this.registry.find(parsed.deviceId)) await this.registry.findOrReload(parsed.deviceId, this.clock);
    const result = this.validator.validate({ topic, payload, receivedAt: this.clock.now(), correlationId: randomUUID() });
    const tasks: Promise<void>[] = [];
    if (result.readings.length) {
      this.metrics.readings.inc(result.readings.length);
      tasks.push(this.bus.publish(Topics.telemetry, result.readings.map((r) => ({ key: r.deviceId, value: r, headers: { correlationId: r.correlationId } }))));
    }
    if (result.statuses.length) {
      tasks.push(this.bus.publish(Topics.deviceStatus, result.statuses.map((s) => ({ key: s.deviceId, value: s, headers: { correlationId: s.correlationId } }))));
    }
    if (result.deadLetters.length) {
      for (const d of result.deadLetters) this.metrics.deadLetters.inc({ reason: d.reason });
      tasks.push(this.bus.publish(Topics.deadLetters, result.deadLetters.map((d) => ({ key: d.deviceId ?? d.topic, value: d, headers: { correlationId: d.correlationId } }))));
    }
    await Promise.all(tasks);
  }
}
