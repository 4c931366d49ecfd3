import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { emit } from './bench-output';
import { startLoad } from './load-process';

/**
 * The physical reference: the same QoS 1 load through the machine's Mosquitto
 * into a plain `mosquitto_sub`, nothing else. The rate is what the subscriber
 * received per second; what Mosquitto dropped on the way (its per-client queue
 * limit, max_queued_messages) is reported beside it.
 */
export async function benchMqttPassthrough(options: {
  url: string;
  messages: number;
  connections: number;
  zoneSize: number;
  /** For an mqtts:// url: the CA file the broker's certificate is checked against, by the publishers and the subscriber. */
  caPath?: string;
  /** The metric's name: the plain reference, or its TLS twin. */
  metric?: string;
}): Promise<number> {
  const { hostname, port } = new URL(options.url);
  const tls = options.caPath ? ['--cafile', options.caPath] : [];
  const sub = spawn('mosquitto_sub', ['-h', hostname, '-p', port || '1883', ...tls, '-t', 'sites/#', '-q', '1', '-F', '%m'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let received = 0;
  let lastAt = 0;
  sub.stdout.on('data', (chunk: Buffer) => {
    for (const byte of chunk) if (byte === 10) received++;
    lastAt = performance.now();
  });
  const exited = new Promise<void>((resolve) => sub.once('exit', () => resolve()));
  try {
    await new Promise((r) => setTimeout(r, 500));
    const load = startLoad({
      url: options.url,
      connections: options.connections,
      window: 100,
      messages: options.messages,
      zoneSize: options.zoneSize,
      ca: options.caPath && readFileSync(options.caPath, 'utf8'),
    });
    await load.connected;
    const started = performance.now();
    await load.done;
    for (let quiet = 0; quiet < 10 && received < options.messages; quiet = performance.now() - lastAt > 1000 ? quiet + 1 : 0) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const rate = (received * 1000) / Math.max(1, lastAt - started);
    emit(options.metric ?? 'mqtt_passthrough_msgs_per_s', rate, 'msgs/s', {
      messages: options.messages,
      received,
      dropped_by_broker: options.messages - received,
      connections: options.connections,
      broker: options.url,
      subscriber: 'mosquitto_sub',
    });
    return rate;
  } finally {
    sub.kill();
    await exited;
  }
}
