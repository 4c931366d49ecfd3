import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from '@app/testing/free-port';
import { waitFor } from '@app/testing/wait-for';
import { emit } from './bench-output';
import { startLoad } from './load-process';

export interface DistributedOptions {
  messages: number;
  connections: number;
  mqttUrl: string;
  kafkaBrokers: string;
  postgresUrl: string;
  /** For an mqtts:// mqttUrl: the CA file ingest and the load check the broker's certificate against. */
  mqttCaPath?: string;
  /** The metric's name: the plain figure, or its TLS twin. */
  metric?: string;
}

async function admin(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Readings per second through distributed mode on this machine: Mosquitto →
 * ingest → Kafka → risk engine → PostgreSQL, each app its own process (plus
 * dispatch and the command center, idle), timed from the first publish until
 * the last reading is in the database.
 */
export async function benchDistributedThroughput(options: DistributedOptions): Promise<number> {
  const run = randomUUID().slice(0, 8);
  const database = `zone_bench_${run}`;
  const dbUrl = new URL(options.postgresUrl);
  dbUrl.pathname = `/${database}`;
  await admin(options.postgresUrl, `CREATE DATABASE ${database}`);
  const children: ChildProcess[] = [];
  const start = async (app: string) => {
    const port = await freePort();
    const env = {
      ...process.env,
      PORT: String(port),
      MQTT_URL: options.mqttUrl,
      ...(options.mqttCaPath && { MQTT_CA: options.mqttCaPath }),
      KAFKA_BROKERS: options.kafkaBrokers,
      DATABASE_URL: dbUrl.toString(),
      KAFKA_NAME_PREFIX: `bench${run}.`,
      INGEST_SHARE_GROUP: `bench-${run}`,
      INGEST_CLIENT_ID: `bench-${run}-${app}`,
      LOG_LEVEL: 'error',
    };
    const child = spawn(process.execPath, [join(__dirname, '..', '..', 'apps', app, 'src', 'main.js')], {
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => null))?.status === 200,
      120_000,
      `${app} healthy`,
    );
  };
  try {
    await start('command-center');
    await Promise.all([start('ingest'), start('risk-engine'), start('dispatch')]);
    const load = startLoad({
      url: options.mqttUrl,
      connections: options.connections,
      window: 100,
      messages: options.messages,
      zoneSize: 2300,
      protocolVersion: 5,
      ca: options.mqttCaPath && readFileSync(options.mqttCaPath, 'utf8'),
    });
    await load.connected;
    const started = performance.now();
    const publishMs = await load.done;
    const db = new Client({ connectionString: dbUrl.toString() });
    await db.connect();
    let stored = 0;
    let lastChange = performance.now();
    try {
      await waitFor(
        async () => {
          const n = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM readings')).rows[0].n;
          if (n !== stored) lastChange = performance.now();
          stored = n;
          return n >= options.messages || performance.now() - lastChange > 10_000;
        },
        900_000,
        'every reading stored',
      );
    } finally {
      await db.end();
    }
    const elapsed = lastChange - started;
    const rate = (stored * 1000) / elapsed;
    emit(options.metric ?? 'distributed_readings_per_s', rate, 'readings/s', {
      messages: options.messages,
      stored,
      lost: options.messages - stored,
      publish_s: Math.round(publishMs) / 1000,
      total_s: Math.round(elapsed) / 1000,
      processes: 'ingest, risk-engine, dispatch, command-center',
      mode: 'distributed (Mosquitto + Kafka + PostgreSQL)',
    });
    return rate;
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
    await admin(options.postgresUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  }
}
