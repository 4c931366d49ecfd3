import { parentPort, workerData } from 'node:worker_threads';
import { LoadPublisher } from './load-publisher';
import { zoneTargets } from './zone-targets';

export interface LoadWorkerData {
  url: string;
  connections: number;
  window: number;
  messages: number;
  zoneSize: number;
  ratePerS?: number;
  protocolVersion?: 4 | 5;
}

/** The sensors' side of a benchmark, on a thread of its own so it does not eat the system's event loop. */
async function run(data: LoadWorkerData): Promise<void> {
  const publisher = new LoadPublisher({
    url: data.url,
    connections: data.connections,
    window: data.window,
    protocolVersion: data.protocolVersion,
  });
  await publisher.connect();
  parentPort!.postMessage({ type: 'connected' });
  const started = performance.now();
  await publisher.send(data.messages, zoneTargets(data.zoneSize), data.ratePerS);
  parentPort!.postMessage({ type: 'done', publishMs: performance.now() - started });
  await publisher.close();
}

run(workerData as LoadWorkerData).catch((e) => parentPort!.postMessage({ type: 'error', message: (e as Error).message }));
