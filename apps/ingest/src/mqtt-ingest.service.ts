import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { parseDeviceTopic, Topics } from '@app/contracts';
import { CLOCK, IngestConfig, InjectConfig, MqttConfig } from '@app/config';
import { Clock, FloodLimiter } from '@app/domain';
import { HealthChecks } from '@app/observability';
import {
  Bus,
  BUS,
  BusMessage,
  EmbeddedMqttBroker,
  MQTT_BROKER_URL,
  MqttBatchSubscriber,
  MqttMessage,
  MqttSubscriber,
  retryWithBackoff,
} from '@app/transport';
import { DeviceRegistry } from './device-registry';
import { InFlightLimit } from './in-flight-limit';
import { IngestMetrics } from './ingest.metrics';
import { TelemetryValidator, ValidationResult } from './telemetry-validator';

/**
 * MQTT → bus. Every message becomes valid readings (key = device id, so a
 * device stays in order) and dead letters with their reason; the broker gets
 * its acknowledgement only after the bus took them.
 */
@Injectable()
export class MqttIngestService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(MqttIngestService.name);
  private readonly subscribers: Array<MqttSubscriber | MqttBatchSubscriber> = [];
  private readonly validator: TelemetryValidator;
  private readonly inFlight: InFlightLimit;
  private stopping = false;

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(CLOCK) private readonly clock: Clock,
    @InjectConfig('ingest') private readonly config: IngestConfig,
    @InjectConfig('mqtt') private readonly mqtt: MqttConfig,
    @Inject(MQTT_BROKER_URL) private readonly brokerUrl: string,
    private readonly registry: DeviceRegistry,
    private readonly metrics: IngestMetrics,
    health: HealthChecks,
    @Optional() private readonly broker?: EmbeddedMqttBroker,
  ) {
    health.register('mqttIngest', () => {
      if (this.subscribers.length === 0 && this.broker?.running) return Promise.resolve({ embedded: true });
      const up = this.subscribers.filter((s) => s.connected).length;
      if (up < this.subscribers.length || up === 0)
        return Promise.reject(new Error(`${up} of ${this.subscribers.length} MQTT connections up`));
      return Promise.resolve({ connections: up });
    });
    this.inFlight = new InFlightLimit(config.maxInFlight);
    const flood = new FloodLimiter(config.flood, clock);
    this.validator = new TelemetryValidator(
      (id) => this.registry.find(id),
      { maxClockSkewMs: config.maxClockSkewS * 1000, maxReadingAgeMs: config.maxReadingAgeS * 1000 },
      flood,
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.registry.load(this.clock.now());
    const external = this.mqtt.url !== undefined;
    if (!external && this.broker?.running) {
      this.broker.intercept((topic, payload) => this.handle(topic, payload));
      this.logger.log(`ingesting inside the embedded broker for ${this.registry.size} devices`);
      return;
    }
    if (external) {
      await this.subscribeExternal();
    } else {
      // Another process's embedded broker (MQTT 3.1.1, no shared subscriptions): one connection.
      const subscriber = new MqttSubscriber();
      await subscriber.start(
        { url: this.brokerUrl, clientId: `zone-ingest-${randomUUID().slice(0, 8)}`, topics: ['sites/#'], protocolVersion: 4 },
        (topic, payload) => this.handle(topic, payload),
      );
      this.subscribers.push(subscriber);
    }
    this.logger.log(`ingesting from ${this.brokerUrl.replace(/\/\/[^@]*@/, '//***@')} for ${this.registry.size} devices`);
  }

  /**
   * MQTT 5 shared subscription (ingest processes and connections split the
   * load) and persistent sessions, so QoS 1 messages not yet acknowledged are
   * delivered again after a crash. Each connection takes what a socket read
   * brings as one batch. INGEST_MAX_IN_FLIGHT is split over the connections
   * as their receive maximum instead of going through the in-flight limit:
   * the broker sends a connection no more unacknowledged messages than that,
   * so it holds the rest back while the bus is slow.
   */
  private async subscribeExternal(): Promise<void> {
    const connections = this.config.mqttConnections;
    const base = this.config.clientId ?? `zone-ingest-${hostname()}`;
    for (let i = 0; i < connections; i++) {
      const subscriber = new MqttBatchSubscriber();
      await subscriber.start(
        {
          url: this.brokerUrl,
          clientId: `${base}-${i}`,
          topics: [`$share/${this.config.shareGroup}/sites/#`],
          persistentSession: true,
          sessionExpiryS: this.config.sessionExpiryS,
          receiveMaximum: Math.max(1, Math.floor(this.config.maxInFlight / connections)),
          username: this.mqtt.username,
          password: this.mqtt.password,
          tls: this.mqtt.externalTls,
        },
        (messages) => this.handleBatch(messages),
      );
      this.subscribers.push(subscriber);
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.subscribers.map((s) => s.stop()));
  }

  /**
   * Resolves when the message is on the bus: only then does the broker get its
   * acknowledgement. At most INGEST_MAX_IN_FLIGHT are handled at once; the
   * others wait, unacknowledged, so a slow bus holds messages back at the
   * broker (aedes reads no more from a connection until its current packets
   * are done; an mqtt.js connection takes one message at a time) instead of
   * piling them up in memory here.
   */
  handle(topic: string, payload: Buffer): Promise<void> {
    return this.inFlight.run(async () => this.publishResult(await this.validate(topic, payload)));
  }

  /** Messages being handled and messages waiting for a slot (or, from an external broker, for their connection's next batch). */
  get backlog(): { inFlight: number; waiting: number } {
    const batches = this.subscribers.map((s) => (s instanceof MqttBatchSubscriber ? s.backlog : { handling: 0, waiting: 0 }));
    return {
      inFlight: this.inFlight.inFlight + batches.reduce((sum, b) => sum + b.handling, 0),
      waiting: this.inFlight.waiting + batches.reduce((sum, b) => sum + b.waiting, 0),
    };
  }

  /**
   * Resolves when everything the messages became is on the bus: one publish
   * per topic for the whole batch, in the order the messages came.
   */
  async handleBatch(messages: MqttMessage[]): Promise<void> {
    const results: ValidationResult[] = [];
    for (const { topic, payload } of messages) results.push(await this.validate(topic, payload));
    await this.publishResult({
      readings: results.flatMap((r) => r.readings),
      statuses: results.flatMap((r) => r.statuses),
      deadLetters: results.flatMap((r) => r.deadLetters),
    });
  }

  private async validate(topic: string, payload: Buffer): Promise<ValidationResult> {
    this.metrics.messages.inc();
    const parsed = parseDeviceTopic(topic);
    if (parsed && !this.registry.find(parsed.deviceId)) await this.registry.findOrReload(parsed.deviceId, this.clock);
    return this.validator.validate({ topic, payload, receivedAt: this.clock.now(), correlationId: randomUUID() });
  }

  private async publishResult(result: ValidationResult): Promise<void> {
    const tasks: Promise<void>[] = [];
    if (result.readings.length) {
      this.metrics.readings.inc(result.readings.length);
      tasks.push(
        this.publish(
          Topics.telemetry,
          result.readings.map((r) => ({ key: r.deviceId, value: r, headers: { correlationId: r.correlationId } })),
        ),
      );
    }
    if (result.statuses.length) {
      tasks.push(
        this.publish(
          Topics.deviceStatus,
          result.statuses.map((s) => ({ key: s.deviceId, value: s, headers: { correlationId: s.correlationId } })),
        ),
      );
    }
    if (result.deadLetters.length) {
      for (const d of result.deadLetters) this.metrics.deadLetters.inc({ reason: d.reason });
      tasks.push(
        this.publish(
          Topics.deadLetters,
          result.deadLetters.map((d) => ({ key: d.deviceId ?? d.topic, value: d, headers: { correlationId: d.correlationId } })),
        ),
      );
    }
    await Promise.all(tasks);
  }

  /**
   * While the bus is unreachable the message stays unacknowledged (the broker
   * keeps it and holds back the rest), so a Kafka outage delays readings
   * instead of losing them.
   */
  private async publish<T>(topic: string, messages: BusMessage<T>[]): Promise<void> {
    const published = await retryWithBackoff(() => this.bus.publish(topic, messages, { durable: true }), {
      backoff: { baseMs: 200, maxMs: 5000 },
      keepTrying: () => !this.stopping,
      // A publish that was already waiting gets its try even while ingest stops: it may still go through.
      askAfterWait: false,
      onRetry: (e, attempt) => {
        if (attempt === 1 || attempt % 10 === 0)
          this.logger.warn(`bus refused ${topic} (attempt ${attempt}), retrying: ${(e as Error).message}`);
      },
    });
    if (!published.done) throw published.error;
  }
}
