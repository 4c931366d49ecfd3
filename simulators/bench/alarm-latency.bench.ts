import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { loadConfig, startApp } from '@app/config';
import { generateZone } from '@app/domain';
import { SseRecorder } from '@app/testing/sse-recorder';
import { EmbeddedMqttBroker } from '@app/transport';
import { AllInOneModule } from '@app/all-in-one';
import { emit } from './bench-output';
import { startLoad } from './load-process';
import { percentile } from './percentile';

const TOKEN = 'bench-operator-token';

/**
 * Publish → alarm on the live stream, under a steady background load: smoke
 * alarms from distinct detectors, one every 100 ms, each timed from its MQTT
 * publish to its alarm.raised event on /api/stream.
 */
export async function benchAlarmLatency(options: { ratePerS: number; seconds: number }): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'zone-bench-latency-'));
  // The probe and the load publish for many devices on anonymous connections.
  const config = loadConfig({
    PORT: '0',
    MQTT_PORT: '0',
    MQTT_HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'error',
    OPERATOR_TOKEN: TOKEN,
    MQTT_DEVICE_AUTH: 'off',
  });
  const app = await startApp(AllInOneModule.forRoot(config), config);
  const stream = new SseRecorder();
  try {
    const url = `mqtt://127.0.0.1:${app.get(EmbeddedMqttBroker).port}`;
    const port = ((app.getHttpServer() as Server).address() as AddressInfo).port;
    await stream.open(`http://127.0.0.1:${port}/api/stream`, { authorization: `Bearer ${TOKEN}` });
    const detectors = generateZone({ enterprises: config.seed.enterprises }).devices.filter((d) => d.type === 'smoke_detector');
    const probe = await connectAsync(url, { protocolVersion: 4, clientId: 'bench-probe' });
    // Paced: the window only keeps the pace from waiting on acknowledgements.
    const load = startLoad({
      url,
      connections: 32,
      window: 100,
      messages: options.ratePerS * options.seconds,
      zoneSize: config.seed.enterprises,
      ratePerS: options.ratePerS,
    });
    await load.connected;
    const sentAt = new Map<string, number>();
    const probes = Math.floor(options.seconds * 10) - 20;
    await new Promise((r) => setTimeout(r, 1000));
    for (let i = 0; i < probes; i++) {
      const d = detectors[(i * 97) % detectors.length];
      sentAt.set(d.id, performance.now() + performance.timeOrigin);
      // Not awaited: the probe measures publish → alarm on the stream, and a lost probe only shows as a missing sample.
      void probe.publishAsync(
        `sites/${d.enterpriseId}/devices/${d.id}/telemetry`,
        JSON.stringify({ ts: Date.now(), readings: { smoke: true } }),
        { qos: 1 },
      );
      await new Promise((r) => setTimeout(r, 100));
    }
    const publishMs = await load.done;
    await new Promise((r) => setTimeout(r, 2000));
    const latencies: number[] = [];
    for (const e of stream.ofType('alarm.raised')) {
      const sent = sentAt.get((e.data as { deviceId: string }).deviceId);
      if (sent !== undefined && e.receivedAt !== undefined) latencies.push(e.receivedAt - sent);
    }
    latencies.sort((a, b) => a - b);
    // What the load reached: below the asked rate, the system could not keep up (every message waits for storage).
    const achieved = Math.round((options.ratePerS * options.seconds * 1000) / publishMs);
    const extra = {
      load_readings_per_s: options.ratePerS,
      load_achieved_readings_per_s: achieved,
      probes: sentAt.size,
      alarms_seen: latencies.length,
      mode: 'embedded',
    };
    emit('alarm_latency_p50_ms', percentile(latencies, 0.5), 'ms', extra);
    emit('alarm_latency_p99_ms', percentile(latencies, 0.99), 'ms', extra);
    await probe.endAsync();
  } finally {
    await stream.close();
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
