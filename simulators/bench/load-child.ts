import { LoadPublisher } from './load-publisher';
import { zoneTargets } from './zone-targets';

export interface LoadChildData {
  url: string;
  connections: number;
  window: number;
  messages: number;
  zoneSize: number;
  ratePerS?: number;
  protocolVersion?: 4 | 5;
  ca?: string;
}

export type LoadChildMessage =
  { type: 'connected' } | { type: 'done'; publishMs: number; peakRssMb: number } | { type: 'error'; message: string };

const report = (m: LoadChildMessage) => process.send!(m);

/**
 * The sensors' side of a benchmark, in a process of its own: it does not eat
 * the system's event loop, and the system's peak memory is measured without it.
 */
async function run(data: LoadChildData): Promise<void> {
  const publisher = new LoadPublisher({
    url: data.url,
    connections: data.connections,
    window: data.window,
    protocolVersion: data.protocolVersion,
    ca: data.ca,
  });
  await publisher.connect();
  report({ type: 'connected' });
  const started = performance.now();
  await publisher.send(data.messages, zoneTargets(data.zoneSize), data.ratePerS);
  const publishMs = performance.now() - started;
  await publisher.close();
  report({ type: 'done', publishMs, peakRssMb: process.resourceUsage().maxRSS / 1024 });
}

run(JSON.parse(process.argv[2]) as LoadChildData).then(
  () => process.disconnect(),
  (e) => {
    report({ type: 'error', message: (e as Error).message });
    process.disconnect();
  },
);
