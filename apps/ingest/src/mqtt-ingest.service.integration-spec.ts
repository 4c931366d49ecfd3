import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { register } from 'prom-client';
import { DEAD_LETTER_REASONS, DeadLetterV1, TelemetryReadingV1, Topics } from '@app/contracts';
import { loadConfig } from '@app/config';
import { HealthChecks } from '@app/observability';
import { ZoneRepository } from '@app/storage';
import { ManualClock } from '@app/testing';
import { EDGE_DEVICES, EDGE_LIMITS, EDGE_NOW, EDGE_RETIRED_DEVICE, edgeMessage, goodTopic, goodWire } from '@app/testing/mqtt-edge-inputs';
import { Bus, BusHandler, BusMessage, InProcessBus, PublishOptions, SubscribeOptions, ZoneChanges } from '@app/transport';
import { DeviceRegistry } from './device-registry';
import { IngestMetrics } from './ingest.metrics';
import { MqttIngestService } from './mqtt-ingest.service';

/** The in-process bus, remembering what each publish carried so every input can be matched with what it produced. */
class RecordingBus implements Bus {
  readonly published: Array<{ topic: string; message: BusMessage<unknown> }> = [];
  constructor(readonly inner: InProcessBus) {}
  publish<T>(topic: string, messages: BusMessage<T>[], options?: PublishOptions): Promise<void> {
    for (const message of messages) this.published.push({ topic, message });
    return this.inner.publish(topic, messages, options);
  }
  subscribe<T>(topic: string, group: string, handler: BusHandler<T>, options?: SubscribeOptions): Promise<void> {
    return this.inner.subscribe(topic, group, handler, options);
  }
  lag() {
    return this.inner.lag();
  }
  ping(): Promise<void> {
    return this.inner.ping();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

async function counterValues(name: string): Promise<Map<string, number>> {
  const metric = register.getSingleMetric(name);
  const values = metric ? (await metric.get()).values : [];
  return new Map(values.map((v) => [String(v.labels.reason ?? ''), v.value]));
}

describe('MqttIngestService under generated input (in-process bus)', () => {
  const clock = new ManualClock(EDGE_NOW);
  const config = loadConfig({
    MAX_CLOCK_SKEW_S: String(EDGE_LIMITS.maxClockSkewMs / 1000),
    MAX_READING_AGE_S: String(EDGE_LIMITS.maxReadingAgeMs / 1000),
    LOG_LEVEL: 'silent',
    // The clock stands still while thousands of inputs go to six devices: flood control would refuse the good ones.
    INGEST_DEVICE_RATE_PER_S: '0',
    INGEST_ENTERPRISE_RATE_PER_S: '0',
  });
  const zone = {
    listDevices: async () => [...EDGE_DEVICES, EDGE_RETIRED_DEVICE].map((d) => ({ ...d, reportIntervalS: 30 })),
  } as unknown as ZoneRepository;
  let bus: RecordingBus;
  let sut: MqttIngestService;
  const delivered = new Map<string, BusMessage<unknown>[]>();

  beforeAll(async () => {
    bus = new RecordingBus(new InProcessBus());
    for (const topic of [Topics.telemetry, Topics.deviceStatus, Topics.deadLetters]) {
      delivered.set(topic, []);
      await bus.subscribe(topic, 'fuzz-check', async (batch) => void delivered.get(topic)!.push(...batch));
    }
    const registry = new DeviceRegistry(zone, new ZoneChanges(bus), clock);
    await registry.load(clock.now());
    sut = new MqttIngestService(bus, clock, config.ingest, config.mqtt, 'mqtt://unused', registry, new IngestMetrics(), new HealthChecks());
  });

  afterAll(async () => {
    await bus.close();
  });

  it('never throws, puts every refusal on the dead-letter topic with its reason, and passes good readings unchanged (3,000+ inputs)', async () => {
    const reasons: readonly string[] = DEAD_LETTER_REASONS;
    const messagesBefore = (await counterValues('zone_mqtt_messages_total')).get('') ?? 0;
    const deadBefore = await counterValues('zone_dead_letters_total');
    let fed = 0;
    let seq = 5_000_000_000_000;
    const nextSeq = () => seq++;

    await fc.assert(
      fc.asyncProperty(fc.array(edgeMessage, { minLength: 50, maxLength: 50 }), async (messages) => {
        for (const m of messages) {
          const inputs =
            m.kind === 'garbage'
              ? [
                  { topic: m.topic, payload: m.payload.bytes },
                  { topic: m.deviceTopic, payload: m.payload.bytes },
                ]
              : [];
          const sent = m.kind === 'good' ? goodWire(m, nextSeq) : [];
          if (m.kind === 'good')
            inputs.push({ topic: goodTopic(m), payload: Buffer.from(JSON.stringify(sent.length > 1 || m.batch ? sent : sent[0])) });
          for (const input of inputs) {
            fed++;
            const from = bus.published.length;
            await expect(sut.handle(input.topic, input.payload)).resolves.toBeUndefined();
            const out = bus.published.slice(from);
            expect(out.length).toBeGreaterThan(0);
            // One input, one correlation id on everything it produced, in the header as in the body.
            const ids = new Set(out.map(({ message }) => (message.value as { correlationId: string }).correlationId));
            expect(ids.size).toBe(1);
            expect(
              out.every(({ message }) => message.headers?.correlationId === (message.value as { correlationId: string }).correlationId),
            ).toBe(true);
            for (const { topic, message } of out) {
              expect([Topics.telemetry, Topics.deviceStatus, Topics.deadLetters]).toContain(topic);
              if (topic !== Topics.deadLetters) continue;
              const dead = message.value as DeadLetterV1;
              expect(reasons).toContain(dead.reason);
              expect(dead.detail.length).toBeGreaterThan(0);
              expect(message.key).toBe(dead.deviceId ?? dead.topic);
            }
            if (m.kind !== 'good') continue;
            const readings = out.filter((o) => o.topic === Topics.telemetry).map((o) => o.message.value as TelemetryReadingV1);
            expect(out).toHaveLength(sent.length);
            const want = sent.map((o, i) => ({ deviceId: m.device.id, ts: m.objects[i].ts, seq: o.seq, readings: m.objects[i].readings }));
            expect(
              isDeepStrictEqual(
                readings.map((r) => ({ deviceId: r.deviceId, ts: r.ts, seq: r.seq, readings: r.readings })),
                want,
              ),
            ).toBe(true);
          }
        }
      }),
      { numRuns: 50, seed: Number(process.env.FUZZ_SEED ?? 20261125) },
    );

    await bus.inner.idle();
    const byTopic = (topic: string) => bus.published.filter((p) => p.topic === topic).length;
    expect(fed).toBeGreaterThanOrEqual(3000);
    // What was published is what the consumers got.
    for (const topic of [Topics.telemetry, Topics.deviceStatus, Topics.deadLetters])
      expect(delivered.get(topic)!.length).toBe(byTopic(topic));
    expect(byTopic(Topics.deadLetters)).toBeGreaterThan(fed / 2);
    expect(byTopic(Topics.telemetry)).toBeGreaterThan(0);
    // ... and /metrics counted every message and every refusal by its reason.
    expect(((await counterValues('zone_mqtt_messages_total')).get('') ?? 0) - messagesBefore).toBe(fed);
    const deadAfter = await counterValues('zone_dead_letters_total');
    const counted = new Map<string, number>();
    for (const message of delivered.get(Topics.deadLetters)!) {
      const reason = (message.value as DeadLetterV1).reason;
      counted.set(reason, (counted.get(reason) ?? 0) + 1);
    }
    for (const [reason, n] of counted) expect([reason, (deadAfter.get(reason) ?? 0) - (deadBefore.get(reason) ?? 0)]).toEqual([reason, n]);
    process.stdout.write(
      `MqttIngestService took ${fed} generated inputs without throwing; dead letters by reason: ${JSON.stringify(Object.fromEntries(counted))}\n`,
    );
  });
});
