import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { connectAsync } from 'mqtt';
import { recordMessage } from './recorded-message';

export interface RecordOptions {
  url: string;
  out: string;
  topic?: string;
  username?: string;
  password?: string;
}

export interface Recording {
  /** Messages written so far. */
  readonly count: number;
  /** Unsubscribes, writes the last lines and closes the file; resolves to the number of messages. */
  stop(): Promise<number>;
}

/** Subscribes to a topic filter and writes every message it receives to a JSONL file, in arrival order. */
export async function startRecording(o: RecordOptions): Promise<Recording> {
  const file = createWriteStream(o.out, { flags: 'w' });
  await once(file, 'open');
  const client = await connectAsync(o.url, {
    protocolVersion: 4,
    clientId: `recorder-${process.pid}-${Date.now()}`,
    username: o.username,
    password: o.password,
    clean: true,
  });
  let count = 0;
  let startedAt = 0;
  client.on('message', (topic, payload, packet) => {
    file.write(`${JSON.stringify(recordMessage(Date.now() - startedAt, topic, payload, packet.qos, packet.retain))}\n`);
    count++;
  });
  startedAt = Date.now();
  await client.subscribeAsync(o.topic ?? 'sites/#', { qos: 1 });
  return {
    get count() {
      return count;
    },
    async stop() {
      await client.endAsync();
      file.end();
      await once(file, 'close');
      return count;
    },
  };
}
