import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { numberOption, positive, positiveInteger, UsageError } from './cli-numbers';
import { ProgressLine } from './progress-line';
import { PublishStats } from './publish-stats';
import { parseRecording } from './recorded-message';
import { replaySession } from './session-replayer';

const USAGE = `npm run replay -- FILE [--url mqtt://127.0.0.1:1883] [--speed N | --as-fast-as-possible] [--connections N] [--username U --password P]

Publishes a recording made by npm run record again, as recorded: same topics, bytes, QoS and
retain flag; each device's messages in their recorded order (one device, one connection);
the gaps between messages divided by --speed (default 1), or none with --as-fast-as-possible.
Payloads are not rewritten: telemetry keeps its recorded timestamps and sequence numbers.
`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      url: { type: 'string', default: 'mqtt://127.0.0.1:1883' },
      speed: { type: 'string', default: '1' },
      'as-fast-as-possible': { type: 'boolean', default: false },
      connections: { type: 'string', default: '4' },
      username: { type: 'string' },
      password: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('give exactly one recording FILE');
  const messages = parseRecording(readFileSync(positionals[0], 'utf8'), positionals[0]);
  const stats = new PublishStats();
  const progress = new ProgressLine(stats);
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  progress.start();
  try {
    await replaySession(messages, {
      url: values.url,
      speed: numberOption('speed', values.speed, positive),
      asFastAsPossible: values['as-fast-as-possible'],
      lanes: numberOption('connections', values.connections, positiveInteger),
      username: values.username,
      password: values.password,
      stats,
      signal: stop.signal,
    });
  } finally {
    progress.stop();
  }
  process.stdout.write(`replay: ${stats.summary()}\n`);
  return stats.errors > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`replay: ${(e as Error).message}\n`);
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);
