import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { emit, peakRssMb } from './bench-output';
import { benchComplianceReport } from './compliance-report.bench';
import { benchAlarmLatency } from './alarm-latency.bench';
import { benchEmbeddedThroughput } from './embedded-throughput.bench';
import { benchMqttPassthrough } from './passthrough.bench';
import { benchEscalationTimers } from './escalation-timers.bench';

const USAGE = `npm run bench -- [--only timers,report] [--open-incidents N] [--escalations-per-second R] [--window S] [--report-incidents N]
Prints one JSON object a line: {"metric": NAME, "value": NUMBER, "unit": UNIT, ...}.
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      'open-incidents': { type: 'string', default: '100000' },
      'escalations-per-second': { type: 'string', default: '50' },
      window: { type: 'string', default: '60' },
      'report-incidents': { type: 'string', default: '50000' },
      messages: { type: 'string', default: '200000' },
      connections: { type: 'string', default: '8' },
      'mosquitto-url': { type: 'string', default: 'mqtt://127.0.0.1:1883' },
      'latency-load': { type: 'string', default: '10000' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const run = (name: string) => !values.only || values.only.split(',').includes(name);
  if (run('passthrough')) {
    await benchMqttPassthrough({ url: values['mosquitto-url'], messages: Number(values.messages), connections: Number(values.connections), zoneSize: 2300 });
  }
  if (run('embedded')) {
    await benchEmbeddedThroughput({ messages: Number(values.messages), connections: Number(values.connections), window: 100 });
  }
  if (run('latency')) await benchAlarmLatency({ ratePerS: Number(values['latency-load']), seconds: 20 });
  if (run('timers')) {
    await benchEscalationTimers({
      openIncidents: Number(values['open-incidents']),
      escalationsPerSecond: Number(values['escalations-per-second']),
      windowSeconds: Number(values.window),
    });
  }
  if (run('report')) await benchComplianceReport(Number(values['report-incidents']));
  emit('peak_rss_mb', peakRssMb(), 'MB');
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`bench: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
