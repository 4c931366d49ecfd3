import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LoadWorkerData } from './load-worker';

/** Runs the load publisher on a worker thread; resolves when every message was acknowledged by the broker. */
export function loadInWorker(data: LoadWorkerData): { connected: Promise<void>; done: Promise<number> } {
  const worker = new Worker(join(__dirname, 'load-worker.js'), { workerData: data });
  let onConnected!: () => void;
  const connected = new Promise<void>((r) => (onConnected = r));
  const done = new Promise<number>((resolve, reject) => {
    worker.on('message', (m: { type: string; publishMs?: number; message?: string }) => {
      if (m.type === 'connected') onConnected();
      else if (m.type === 'done') resolve(m.publishMs!);
      else if (m.type === 'error') {
        // The other connections would go on publishing into whatever the benchmark runs next.
        void worker.terminate();
        reject(new Error(m.message));
      }
    });
    worker.on('error', reject);
    worker.on('exit', (code) => code !== 0 && reject(new Error(`load worker exited with ${code}`)));
  });
  return { connected, done };
}
