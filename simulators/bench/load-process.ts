import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { LoadChildData, LoadChildMessage } from './load-child';

let loadPeakRssMb = 0;

/** The highest peak memory of any load generator run so far, reported apart from the system's. */
export function loadGeneratorPeakRssMb(): number {
  return loadPeakRssMb;
}

/** Runs the load publisher in a child process; `done` resolves with the publishing time once the broker acknowledged every message. */
export function startLoad(data: LoadChildData): { connected: Promise<void>; done: Promise<number> } {
  const child = fork(join(__dirname, 'load-child.js'), [JSON.stringify(data)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let onConnected!: () => void;
  const connected = new Promise<void>((r) => (onConnected = r));
  const done = new Promise<number>((resolve, reject) => {
    let finished = false;
    child.on('message', (m: LoadChildMessage) => {
      if (m.type === 'connected') onConnected();
      else if (m.type === 'done') {
        finished = true;
        loadPeakRssMb = Math.max(loadPeakRssMb, m.peakRssMb);
        resolve(m.publishMs);
      } else {
        // The other connections would go on publishing into whatever the benchmark runs next.
        child.kill('SIGKILL');
        reject(new Error(m.message));
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (!finished) reject(new Error(`load generator exited with ${signal ?? code} before it was done`));
    });
  });
  return { connected, done };
}
