import { connectAsync, MqttClient } from 'mqtt';
import { TelemetryReadingV1, Topics } from '@app/contracts';
import { loadConfig } from '@app/config';
import { HealthChecks } from '@app/observability';
import { ZoneRepository } from '@app/storage';
import { ManualClock, waitFor } from '@app/testing';
import { Bus, BusMessage, EmbeddedMqttBroker, InProcessBus, ZoneChanges } from '@app/transport';
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
const ticks = async (n = 20) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

async function ingest(bus: Bus, maxInFlight: number): Promise<MqttIngestService> {
  const clock = new ManualClock(NOW);
  const config = loadConfig({
    INGEST_MAX_IN_FLIGHT: String(maxInFlight),
    INGEST_DEVICE_RATE_PER_S: '0',
    INGEST_ENTERPRISE_RATE_PER_S: '0',
    LOG_LEVEL: 'silent',
  });
  const registry = new DeviceRegistry(zone, new ZoneChanges(bus), clock);
  await registry.load(NOW);
  return new MqttIngestService(bus, clock, config.ingest, config.mqtt, 'mqtt://unused', registry, new IngestMetrics(), new HealthChecks());
}

const reading = (n: number) => ({
  topic: `sites/E0001/devices/${DEVICES[n % DEVICES.length].id}/telemetry`,
  payload: JSON.stringify({ ts: NOW - 1000, seq: n + 1, readings: { temperature: 20 + (n % 10) } }),
});

/** A bus that takes nothing until it is opened: Kafka down or slow, as far as ingest can tell. */
class GateBus implements Bus {
  readonly published: BusMessage<unknown>[] = [];
  pending = 0;
  peakPending = 0;
  private open!: () => void;
  private readonly opened = new Promise<void>((resolve) => (this.open = resolve));

  async publish<T>(_topic: string, messages: BusMessage<T>[]): Promise<void> {
    this.peakPending = Math.max(this.peakPending, ++this.pending);
    await this.opened;
    this.pending--;
    this.published.push(...messages);
  }
  release(): void {
    this.open();
  }
  async subscribe(): Promise<void> {}
  lag() {
    return [];
  }
  async ping(): Promise<void> {}
  async close(): Promise<void> {}
}

describe('ingest back-pressure: a slow bus holds messages back, in-flight stays bounded', () => {
  it('handles at most INGEST_MAX_IN_FLIGHT messages at once and acknowledges none while the bus takes nothing', async () => {
    const bus = new GateBus();
    const sut = await ingest(bus, 64);
    let acknowledged = 0;
    const handled = Array.from({ length: 5000 }, (_, n) => {
      const { topic, payload } = reading(n);
      return sut.handle(topic, Buffer.from(payload)).then(() => void acknowledged++);
    });
    await ticks();

    expect(sut.backlog).toEqual({ inFlight: 64, waiting: 5000 - 64 });
    expect(bus.pending).toBe(64);
    expect(acknowledged).toBe(0);

    bus.release();
    await Promise.all(handled);
    expect(bus.peakPending).toBe(64);
    expect(acknowledged).toBe(5000);
    expect(sut.backlog).toEqual({ inFlight: 0, waiting: 0 });
    // Every message, once, in the order it arrived.
    expect(bus.published.map((m) => (m.value as TelemetryReadingV1).seq)).toEqual(Array.from({ length: 5000 }, (_, n) => n + 1));
  });

  describe('through the embedded broker, with an in-process bus whose consumer is slow', () => {
    const MAX_IN_FLIGHT = 50;
    const SENT = 5000;
    const broker = new EmbeddedMqttBroker();
    const bus = new InProcessBus({ highWaterMark: 200 });
    const stored: number[] = [];
    let sut: MqttIngestService;
    let device: MqttClient;

    beforeAll(async () => {
      await bus.subscribe<TelemetryReadingV1>(
        Topics.telemetry,
        'slow-store',
        async (batch) => {
          await new Promise((r) => setTimeout(r, 5));
          stored.push(...batch.map((m) => m.value.seq!));
        },
        { maxBatch: 25 },
      );
      for (const topic of [Topics.deviceStatus, Topics.deadLetters]) await bus.subscribe(topic, 'sink', async () => undefined);
      sut = await ingest(bus, MAX_IN_FLIGHT);
      const port = await broker.start({ host: '127.0.0.1', port: 0, deviceAuth: 'off' });
      broker.intercept((topic, payload) => sut.handle(topic, payload));
      device = await connectAsync(`mqtt://127.0.0.1:${port}`, { protocolVersion: 4, reconnectPeriod: 0 });
    });

    afterAll(async () => {
      await device?.endAsync();
      await broker.stop();
      await bus.close();
    });

    it('reads no further than it can handle, acknowledges only what is stored, and loses nothing', async () => {
      let acknowledged = 0;
      let peakInFlight = 0;
      let peakHeld = 0;
      let ackedAheadOfStore = 0;
      const sampler = setInterval(() => {
        const { inFlight, waiting } = sut.backlog;
        peakInFlight = Math.max(peakInFlight, inFlight);
        peakHeld = Math.max(peakHeld, inFlight + waiting);
        ackedAheadOfStore = Math.max(ackedAheadOfStore, acknowledged - stored.length);
      }, 2);

      // The device sends everything at once, without waiting for acknowledgements.
      const sent = Array.from({ length: SENT }, (_, n) => {
        const { topic, payload } = reading(n);
        return device.publishAsync(topic, payload, { qos: 1 }).then(() => void acknowledged++);
      });
      await Promise.all(sent);
      clearInterval(sampler);
      await waitFor(() => stored.length >= SENT, 10_000, 'every reading stored');
      process.stdout.write(
        `back-pressure: ${SENT} sent at once; peak in flight ${peakInFlight} (limit ${MAX_IN_FLIGHT}), peak taken in by the broker ${peakHeld}\n`,
      );

      expect(peakInFlight).toBeLessThanOrEqual(MAX_IN_FLIGHT);
      // The broker stopped reading the connection while ingest was busy: most messages stayed with the device, unacknowledged.
      expect(peakHeld).toBeLessThan(SENT / 4);
      expect(ackedAheadOfStore).toBeLessThanOrEqual(0);
      expect(stored).toEqual(Array.from({ length: SENT }, (_, n) => n + 1));
      expect(Math.max(...bus.lag().map((l) => l.lag))).toBe(0);
    });
  });
});
