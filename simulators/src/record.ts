import { parseArgs } from 'node:util';
import { numberOption, positive, UsageError } from './cli-numbers';
import { startRecording } from './session-recorder';

const USAGE = `npm run record -- --out FILE [--url mqtt://127.0.0.1:1883] [--topic 'sites/#'] [--seconds S] [--username U --password P]

Writes every MQTT message on the topic filter to FILE, one JSON object a line:
{"t": ms since the start, "topic", "payload", "encoding": "utf8"|"base64", "qos", "retain"}.
Runs for S seconds, or until Ctrl-C. Replay it with npm run replay -- FILE.
`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'mqtt://127.0.0.1:1883' },
      out: { type: 'string' },
      topic: { type: 'string', default: 'sites/#' },
      seconds: { type: 'string' },
      username: { type: 'string' },
      password: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!values.out) throw new UsageError('--out FILE is required');
  const seconds = numberOption('seconds', values.seconds, positive);
  const recording = await startRecording({
    url: values.url,
    out: values.out,
    topic: values.topic,
    username: values.username,
    password: values.password,
  });
  const started = Date.now();
  process.stderr.write(`recording ${values.topic} from ${values.url} to ${values.out}${seconds ? ` for ${seconds} s` : ' until Ctrl-C'}\n`);
  const progress = process.stderr.isTTY
    ? setInterval(() => process.stderr.write(`\r\x1b[K${Math.round((Date.now() - started) / 1000)} s  ${recording.count} messages`), 1000)
    : null;
  await new Promise<void>((resolve) => {
    const timer = seconds ? setTimeout(resolve, seconds * 1000) : null;
    const done = () => {
      if (timer) clearTimeout(timer);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  if (progress) {
    clearInterval(progress);
    process.stderr.write('\r\x1b[K');
  }
  const count = await recording.stop();
  process.stdout.write(`recorded ${count} messages in ${((Date.now() - started) / 1000).toFixed(1)} s to ${values.out}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`record: ${(e as Error).message}\n`);
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);
