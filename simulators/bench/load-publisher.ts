import { connectAsync, MqttClient } from 'mqtt';

export interface LoadTarget {
  topic: string;
  payload: (seq: number, now: number) => string;
}

export interface LoadOptions {
  url: string;
  connections: number;
  /** QoS 1 messages in flight per connection. */
  window: number;
  protocolVersion?: 4 | 5;
}

/** Publishes QoS 1 messages from several connections as fast as the broker acknowledges them. */
export class LoadPublisher {
  private clients: MqttClient[] = [];

  constructor(private readonly options: LoadOptions) {}

  async connect(): Promise<void> {
    this.clients = await Promise.all(
      Array.from({ length: this.options.connections }, (_, i) =>
        connectAsync(this.options.url, { protocolVersion: this.options.protocolVersion ?? 4, clientId: `bench-${process.pid}-${i}`, reconnectPeriod: 0 }),
      ),
    );
  }

  /** Sends `count` messages round-robin over the targets; resolves when all are acknowledged by the broker. */
  async send(count: number, targets: LoadTarget[], ratePerS?: number): Promise<void> {
    let next = 0;
    const started = Date.now();
    const perConnection = async (client: MqttClient) => {
      const inflight = new Set<Promise<unknown>>();
      for (;;) {
        const seq = next++;
        if (seq >= count) break;
        if (ratePerS) {
          const due = started + (seq * 1000) / ratePerS;
          const wait = due - Date.now();
          if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        }
        const target = targets[seq % targets.length];
        const p = client.publishAsync(target.topic, target.payload(seq, Date.now()), { qos: 1 }).finally(() => inflight.delete(p));
        inflight.add(p);
        if (inflight.size >= this.options.window) await Promise.race(inflight);
      }
      await Promise.all(inflight);
    };
    await Promise.all(this.clients.map(perConnection));
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.endAsync()));
  }
}
