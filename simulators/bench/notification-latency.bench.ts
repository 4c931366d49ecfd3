import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { loadConfig, startApp } from '@app/config';
import { generateZone } from '@app/domain';
import { WebhookReceiver } from '@app/testing/webhook-receiver';
import { EmbeddedMqttBroker } from '@app/transport';
import { AllInOneModule } from '@app/all-in-one';
import { emit } from './bench-output';
import { startLoad } from './load-process';
import { percentile } from './percentile';

const SECRET = 'bench-webhook-secret';

/**
 * Incident opened → its webhook delivery received, on the embedded system under steady background telemetry:
 * a fire at a new enterprise every 200 ms, each incident timed from its dispatch to the receiver's first sight
 * of the incident.opened delivery (the receiver checks every signature, as a real one would).
 */
export async function benchNotificationLatency(options: { ratePerS: number; seconds: number }): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'zone-bench-notify-'));
  const receiver = await new WebhookReceiver(SECRET).start();
  const config = loadConfig({
    PORT: '0',
    MQTT_PORT: '0',
    MQTT_HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'error',
    MQTT_DEVICE_AUTH: 'off',
    NOTIFY_WEBHOOK_URL: receiver.url,
    NOTIFY_WEBHOOK_SECRET: SECRET,
  });
  const app = await startApp(AllInOneModule.forRoot(config), config);
  try {
    const url = `mqtt://127.0.0.1:${app.get(EmbeddedMqttBroker).port}`;
    const zone = generateZone({ enterprises: config.seed.enterprises });
    const detectors = zone.enterprises
      .map((e) => zone.devices.find((d) => d.enterpriseId === e.id && d.type === 'smoke_detector'))
      .filter((d) => d !== undefined);
    const probe = await connectAsync(url, { protocolVersion: 4, clientId: 'bench-notify-probe' });
    const load = startLoad({
      url,
      connections: 32,
      window: 100,
      messages: options.ratePerS * options.seconds,
      zoneSize: config.seed.enterprises,
      ratePerS: options.ratePerS,
    });
    await load.connected;
    await new Promise((r) => setTimeout(r, 1000));
    const fires = Math.floor(options.seconds * 5) - 10;
    for (let i = 0; i < fires; i++) {
      const d = detectors[(i * 101) % detectors.length];
      void probe.publishAsync(
        `sites/${d.enterpriseId}/devices/${d.id}/telemetry`,
        JSON.stringify({ ts: Date.now(), readings: { smoke: true } }),
        { qos: 1 },
      );
      await new Promise((r) => setTimeout(r, 200));
    }
    const publishMs = await load.done;
    await new Promise((r) => setTimeout(r, 3000));
    const latencies = receiver
      .of((d) => d.body.type === 'incident.opened' && d.body.incident !== undefined)
      .map((d) => d.firstAt - new Date(d.body.incident!.dispatchedAt).getTime())
      .sort((a, b) => a - b);
    const extra = {
      load_readings_per_s: options.ratePerS,
      load_achieved_readings_per_s: Math.round((options.ratePerS * options.seconds * 1000) / publishMs),
      fires,
      delivered: latencies.length,
      bad_signatures: receiver.badSignatures.length,
      mode: 'embedded',
    };
    emit('notification_latency_p50_ms', percentile(latencies, 0.5), 'ms', extra);
    emit('notification_latency_p99_ms', percentile(latencies, 0.99), 'ms', extra);
    await probe.endAsync();
  } finally {
    await app.close();
    await receiver.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
