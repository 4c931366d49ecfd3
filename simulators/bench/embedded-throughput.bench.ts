import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, startApp } from '@app/config';
import { SQL_CLIENT, SqlClient } from '@app/storage';
import { waitFor } from '@app/testing/wait-for';
import { EmbeddedMqttBroker } from '@app/transport';
import { AllInOneModule } from '@app/all-in-one';
import { emit } from './bench-output';
import { startLoad } from './load-process';
import { zoneTargets } from './zone-targets';

export interface ThroughputOptions {
  messages: number;
  connections: number;
  window: number;
}

/**
 * Readings per second sustained through the whole embedded pipeline: MQTT
 * publish (QoS 1) → embedded broker → ingest → grading → TimescaleDB, timed from
 * the first publish until the last reading is stored.
 */
export async function benchEmbeddedThroughput(options: ThroughputOptions): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'zone-bench-embedded-'));
  // The load publishes every device's readings on a few shared, anonymous connections.
  const config = loadConfig({
    PORT: '0',
    MQTT_PORT: '0',
    MQTT_HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'error',
    MQTT_DEVICE_AUTH: 'off',
  });
  const app = await startApp(AllInOneModule.forRoot(config), config);
  try {
    const sql = app.get<SqlClient>(SQL_CLIENT);
    const devices = zoneTargets(config.seed.enterprises).length;
    const load = startLoad({
      url: `mqtt://127.0.0.1:${app.get(EmbeddedMqttBroker).port}`,
      connections: options.connections,
      window: options.window,
      messages: options.messages,
      zoneSize: config.seed.enterprises,
    });
    await load.connected;
    const started = performance.now();
    const published = started + (await load.done);
    await waitFor(
      async () => {
        const [{ n }] = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM readings');
        return n >= options.messages;
      },
      600_000,
      'every reading stored',
    );
    const stored = performance.now();
    const extra = {
      messages: options.messages,
      devices,
      connections: options.connections,
      publish_s: Math.round(published - started) / 1000,
      total_s: Math.round(stored - started) / 1000,
      mode: 'embedded',
    };
    const rate = (options.messages * 1000) / (stored - started);
    emit('embedded_readings_per_s', rate, 'readings/s', extra);
    return rate;
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
