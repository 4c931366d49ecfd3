import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PrivateMosquitto } from '@app/testing/private-mosquitto';
import { TlsFixtures } from '@app/testing/tls-fixtures';
import { emit, peakRssMb } from './bench-output';
import { loadGeneratorPeakRssMb } from './load-process';
import { benchComplianceReport } from './compliance-report.bench';
import { benchAlarmLatency } from './alarm-latency.bench';
import { benchDistributedThroughput } from './distributed-throughput.bench';
import { benchEmbeddedThroughput } from './embedded-throughput.bench';
import { benchMqttPassthrough } from './passthrough.bench';
import { benchNotificationLatency } from './notification-latency.bench';
import { benchEscalationTimers } from './escalation-timers.bench';
import { benchZoneImport } from './zone-import.bench';

const USAGE = `npm run bench -- [--only passthrough,embedded,distributed,tls,latency,notify,timers,report,zone]
  [--messages N] [--connections N] [--in-flight N per connection] [--mosquitto-url URL (default: a private Mosquitto)] [--distributed-messages N] [--latency-load R] [--notify-load R]
  [--open-incidents N] [--escalations-per-second R] [--window S] [--timers-load R] [--report-incidents N]
Prints one JSON object a line: {"metric": NAME, "value": NUMBER, "unit": UNIT, ...}.
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      'open-incidents': { type: 'string', default: '100000' },
      'escalations-per-second': { type: 'string', default: '50' },
      window: { type: 'string', default: '60' },
      'timers-load': { type: 'string', default: '10000' },
      'report-incidents': { type: 'string', default: '50000' },
      messages: { type: 'string', default: '200000' },
      connections: { type: 'string', default: '8' },
      // QoS 1 messages each connection keeps unacknowledged: a fleet of thousands of devices, each with one in flight.
      'in-flight': { type: 'string', default: '500' },
      // Without one, a Mosquitto of the benchmark's own: the machine's broker carries other runs' sessions and queues.
      'mosquitto-url': { type: 'string' },
      'latency-load': { type: 'string', default: '10000' },
      'notify-load': { type: 'string', default: '5000' },
      'distributed-messages': { type: 'string', default: '30000' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const run = (name: string) => !values.only || values.only.split(',').includes(name);
  const messages = Number(values.messages);
  const connections = Number(values.connections);
  let reference: number | null = null;
  const mosquitto = values['mosquitto-url'] || !(run('passthrough') || run('distributed')) ? null : new PrivateMosquitto();
  await mosquitto?.start();
  const mosquittoUrl = values['mosquitto-url'] ?? mosquitto?.url ?? '';
  try {
    if (run('passthrough')) reference = await benchMqttPassthrough({ url: mosquittoUrl, messages, connections, zoneSize: 2300 });
    const ratio = (metric: string, rate: number) => {
      if (reference) emit(metric, rate / reference, 'ratio', { reference: 'mqtt_passthrough_msgs_per_s' });
    };
    if (run('embedded'))
      ratio('embedded_to_passthrough_ratio', await benchEmbeddedThroughput({ messages, connections, window: Number(values['in-flight']) }));
    if (run('distributed')) {
      if (!process.env.KAFKA_BROKERS)
        execFileSync('bash', [join(__dirname, '..', '..', '..', 'deploy', 'kafka', 'kafka.sh'), 'start'], {
          stdio: ['ignore', 'ignore', 'inherit'],
        });
      const rate = await benchDistributedThroughput({
        messages: Number(values['distributed-messages']),
        connections,
        mqttUrl: mosquittoUrl,
        kafkaBrokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
        postgresUrl: process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
      });
      ratio('distributed_to_passthrough_ratio', rate);
    }
  } finally {
    await mosquitto?.dispose();
  }
  if (run('tls')) await benchTlsCost({ messages, connections, distributedMessages: Number(values['distributed-messages']) });
  if (run('latency')) await benchAlarmLatency({ ratePerS: Number(values['latency-load']), seconds: 20 });
  if (run('notify')) await benchNotificationLatency({ ratePerS: Number(values['notify-load']), seconds: 20 });
  if (run('timers')) {
    for (const loadPerS of [0, Number(values['timers-load'])]) {
      await benchEscalationTimers({
        openIncidents: Number(values['open-incidents']),
        escalationsPerSecond: Number(values['escalations-per-second']),
        windowSeconds: Number(values.window),
        loadPerS,
      });
    }
  }
  if (run('report')) await benchComplianceReport(Number(values['report-incidents']));
  if (run('zone')) await benchZoneImport();
  // This process ran the embedded systems (and the harness around them); the load generators ran in processes of their own.
  emit('peak_rss_mb', peakRssMb(), 'MB', { process: 'embedded system and harness' });
  emit('load_generator_peak_rss_mb', loadGeneratorPeakRssMb(), 'MB');
}

/**
 * What TLS costs the device hop: the same load through one Mosquitto, once to its plain listener and once to
 * its TLS listener (a certificate made now), then distributed mode with ingest reaching that broker over mqtts.
 * Both figures are printed with their plain twin of the same broker and the ratio between them.
 */
async function benchTlsCost(options: { messages: number; connections: number; distributedMessages: number }): Promise<void> {
  const certificates = new TlsFixtures();
  const server = certificates.issue({ name: 'broker', commonName: '127.0.0.1', hosts: ['127.0.0.1', 'localhost'] });
  const broker = new PrivateMosquitto({ tls: { certPath: server.certPath, keyPath: server.keyPath, caPath: certificates.ca.certPath } });
  await broker.start();
  try {
    const load = { messages: options.messages, connections: options.connections, zoneSize: 2300 };
    // Alternated, twice each, so neither side gains from going second on a warm broker; each metric line is one run.
    const plainRates: number[] = [];
    const tlsRates: number[] = [];
    for (let round = 0; round < 2; round++) {
      plainRates.push(await benchMqttPassthrough({ ...load, url: broker.url, metric: 'mqtt_passthrough_plain_msgs_per_s' }));
      tlsRates.push(
        await benchMqttPassthrough({
          ...load,
          url: broker.tlsUrl,
          caPath: certificates.ca.certPath,
          metric: 'mqtt_passthrough_tls_msgs_per_s',
        }),
      );
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const plain = mean(plainRates);
    const tls = mean(tlsRates);
    emit('tls_to_plain_passthrough_ratio', tls / plain, 'ratio', {
      reference: 'mqtt_passthrough_plain_msgs_per_s',
      of: 'the means of two runs each',
    });
    if (!process.env.KAFKA_BROKERS)
      execFileSync('bash', [join(__dirname, '..', '..', '..', 'deploy', 'kafka', 'kafka.sh'), 'start'], {
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    const distributed = {
      messages: options.distributedMessages,
      connections: options.connections,
      kafkaBrokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
      postgresUrl: process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    };
    const plainDistributed = await benchDistributedThroughput({
      ...distributed,
      mqttUrl: broker.url,
      metric: 'distributed_plain_readings_per_s',
    });
    const tlsDistributed = await benchDistributedThroughput({
      ...distributed,
      mqttUrl: broker.tlsUrl,
      mqttCaPath: certificates.ca.certPath,
      metric: 'distributed_mqtts_readings_per_s',
    });
    emit('distributed_mqtts_to_plain_ratio', tlsDistributed / plainDistributed, 'ratio', { reference: 'distributed_plain_readings_per_s' });
  } finally {
    await broker.dispose();
    certificates.dispose();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`bench: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
