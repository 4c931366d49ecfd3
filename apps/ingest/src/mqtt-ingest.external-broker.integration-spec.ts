import { randomUUID } from 'node:crypto';
import { connectAsync, MqttClient } from 'mqtt';
import { DeadLetterV1, TelemetryReadingV1, Topics } from '@app/contracts';
import { loadConfig } from '@app/config';
import { HealthChecks } from '@app/observability';
import { ZoneRepository } from '@app/storage';
import { ManualClock, PrivateMosquitto, waitFor } from '@app/testing';
import { Bus, BusMessage, ZoneChanges } from '@app/transport';
import { DeviceRegistry } from './device-registry';
import { IngestMetrics } from './ingest.metrics';
import { MqttIngestService } from './mqtt-ingest.service';

const NOW = Date.UTC(2026, 10, 25, 10, 0, 0);
const DEVICES = Array.from({ length: 20 }, (_, i) => ({
  id: `E0001-D${String(i + 1).padStart(2, '0')}`,
  enterpriseId: 'E0001',
  type: 'heat_detector',
  reportIntervalS: 30,
}));
const zone = { listDevices: async () => DEVICES } as unknown as ZoneRepository;

const reading = (n: number) => ({
  topic: `sites/E0001/devices/${DEVICES[n % DEVICES.length].id}/telemetry`,
  payload: JSON.stringify({ ts: NOW - 1000, seq: n + 1, readings: { temperature: 20 + (n % 10) } }),
});

/** Records every publish; takes nothing while closed (Kafka down or slow, as far as ingest can tell). */
class GateBus implements Bus {
  readonly publishes: Array<{ topic: string; messages: BusMessage<unknown>[] }> = [];
  private opened: Promise<void> = Promise.resolve();
  private open: () => void = () => undefined;

  hold(): void {
    this.opened = new Promise((resolve) => (this.open = resolve));
  }
  release(): void {
    this.open();
  }
  async publish<T>(topic: string, messages: BusMessage<T>[]): Promise<void> {
    await this.opened;
    this.publishes.push({ topic, messages });
  }
  values<T>(topic: string): T[] {
    return this.publishes.filter((p) => p.topic === topic).flatMap((p) => p.messages.map((m) => m.value as T));
  }
  async subscribe(): Promise<void> {}
  lag() {
    return [];
  }
  async ping(): Promise<void> {}
  async close(): Promise<void> {}
}

/** Ingest on an external Mosquitto of the spec's own: shared subscription, batches per socket read, acknowledged once on the bus. */
describe('MqttIngestService on an external broker', () => {
  const broker = new PrivateMosquitto();
  let device: MqttClient;

  beforeAll(async () => {
    await broker.start();
    device = await connectAsync(broker.url, { protocolVersion: 5 });
  });

  afterAll(async () => {
    await device?.endAsync();
    await broker.dispose();
  });

  async function ingest(bus: Bus, env: Record<string, string>): Promise<{ sut: MqttIngestService; health: HealthChecks }> {
    const clock = new ManualClock(NOW);
    const run = randomUUID().slice(0, 8);
    const config = loadConfig({
      MQTT_URL: broker.url,
      INGEST_SHARE_GROUP: `g-${run}`,
      INGEST_CLIENT_ID: `ingest-${run}`,
      INGEST_DEVICE_RATE_PER_S: '0',
      INGEST_ENTERPRISE_RATE_PER_S: '0',
      LOG_LEVEL: 'silent',
      ...env,
    });
    const registry = new DeviceRegistry(zone, new ZoneChanges(bus), clock);
    const health = new HealthChecks();
    const sut = new MqttIngestService(bus, clock, config.ingest, config.mqtt, broker.url, registry, new IngestMetrics(), health);
    await sut.onApplicationBootstrap();
    return { sut, health };
  }

  it('puts every reading on the bus once, in order per device, several messages to a publish, and dead-letters the garbage', async () => {
    const bus = new GateBus();
    const { sut, health } = await ingest(bus, { INGEST_MQTT_CONNECTIONS: '2' });
    try {
      const [, probe] = health.entries().find(([name]) => name === 'mqttIngest')!;
      await expect(probe()).resolves.toEqual({ connections: 2 });
      const SENT = 3000;
      await Promise.all([
        ...Array.from({ length: SENT }, (_, n) => device.publishAsync(reading(n).topic, reading(n).payload, { qos: 1 })),
        device.publishAsync(`sites/E0001/devices/${DEVICES[0].id}/telemetry`, 'not json', { qos: 1 }),
      ]);
      await waitFor(
        () => (bus.values(Topics.telemetry).length >= SENT && bus.values(Topics.deadLetters).length >= 1) || undefined,
        20_000,
        'every reading and the dead letter on the bus',
      );

      const readings = bus.values<TelemetryReadingV1>(Topics.telemetry);
      expect(new Set(readings.map((r) => r.seq)).size).toBe(SENT);
      for (const d of DEVICES) {
        const seqs = readings.filter((r) => r.deviceId === d.id).map((r) => r.seq!);
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      }
      expect(bus.values<DeadLetterV1>(Topics.deadLetters).map((d) => d.deviceId)).toEqual([DEVICES[0].id]);
      expect(Math.max(...bus.publishes.map((p) => p.messages.length))).toBeGreaterThan(1);
    } finally {
      await sut.onModuleDestroy();
    }
  });

  it('holds no more than INGEST_MAX_IN_FLIGHT messages while the bus takes nothing, and loses none once it does', async () => {
    const bus = new GateBus();
    const { sut } = await ingest(bus, { INGEST_MQTT_CONNECTIONS: '4', INGEST_MAX_IN_FLIGHT: '100' });
    try {
      bus.hold();
      let peakHeld = 0;
      const sampler = setInterval(() => {
        const { inFlight, waiting } = sut.backlog;
        peakHeld = Math.max(peakHeld, inFlight + waiting);
      }, 2);
      const SENT = 2000;
      await Promise.all(Array.from({ length: SENT }, (_, n) => device.publishAsync(reading(n).topic, reading(n).payload, { qos: 1 })));
      await waitFor(() => peakHeld >= 100 || undefined, 10_000, 'the receive maximum of every connection taken up');
      // The broker sends nothing more to connections that acknowledged nothing.
      await new Promise((r) => setTimeout(r, 300));
      clearInterval(sampler);
      expect(peakHeld).toBe(100);
      expect(bus.values(Topics.telemetry)).toHaveLength(0);

      bus.release();
      await waitFor(() => bus.values(Topics.telemetry).length >= SENT || undefined, 20_000, 'every reading on the bus');
      expect(bus.values(Topics.telemetry)).toHaveLength(SENT);
    } finally {
      await sut.onModuleDestroy();
    }
  });
});
