import { Backoff, retryWithBackoff } from '../retry';
import { Bus, BusHandler, BusLag, BusMessage, PublishOptions, SubscribeOptions } from './bus';

export interface InProcessBusOptions {
  /** A publisher waits while any consumer of the topic has this many messages queued. */
  highWaterMark?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  onHandlerError?: (topic: string, group: string, error: unknown, attempt: number) => void;
}

interface Consumer {
  topic: string;
  group: string;
  handler: BusHandler<unknown>;
  maxBatch: number;
  lingerMs: number;
  queue: BusMessage<unknown>[];
  head: number;
  running: boolean;
  drained: Array<() => void>;
  /** Messages ever queued and ever handled: a durable publish waits until `handled` reaches its position. */
  queued: number;
  handled: number;
  handledWaiters: Array<{ upTo: number; resolve: () => void; reject: (e: Error) => void }>;
}

/**
 * The bus for the all-in-one process: a queue per consumer group, drained in
 * order by one loop per group, with the same at-least-once contract as the
 * Kafka adapter (a failed batch is retried with capped back-off, never
 * skipped). Publishers are held back while a queue is over the high-water
 * mark, which becomes back-pressure on MQTT ingest instead of unbounded memory.
 */
export class InProcessBus implements Bus {
  private readonly consumers = new Map<string, Consumer[]>();
  private readonly highWaterMark: number;
  private readonly backoff: Backoff;
  private closed = false;

  constructor(private readonly options: InProcessBusOptions = {}) {
    this.highWaterMark = options.highWaterMark ?? 100_000;
    this.backoff = { baseMs: options.retryBaseMs ?? 100, maxMs: options.retryMaxMs ?? 5_000 };
  }

  async publish<T>(topic: string, messages: BusMessage<T>[], options: PublishOptions = {}): Promise<void> {
    if (this.closed) throw new Error('bus is closed');
    if (messages.length === 0) return;
    const consumers = this.consumers.get(topic) ?? [];
    for (const c of consumers) {
      while (c.queue.length - c.head >= this.highWaterMark && !this.closed) {
        await new Promise<void>((resolve) => c.drained.push(resolve));
      }
    }
    const handled: Promise<void>[] = [];
    for (const c of consumers) {
      for (const m of messages) c.queue.push(m);
      c.queued += messages.length;
      if (options.durable) {
        const upTo = c.queued;
        handled.push(new Promise<void>((resolve, reject) => c.handledWaiters.push({ upTo, resolve, reject })));
      }
      this.kick(c);
    }
    await Promise.all(handled);
  }

  subscribe<T>(topic: string, group: string, handler: BusHandler<T>, options: SubscribeOptions = {}): Promise<void> {
    const list = this.consumers.get(topic) ?? [];
    if (list.some((c) => c.group === group)) {
      return Promise.reject(new Error(`group ${group} already consumes ${topic} in this process`));
    }
    list.push({
      topic,
      group,
      handler: handler as BusHandler<unknown>,
      maxBatch: options.maxBatch ?? 1000,
      lingerMs: options.lingerMs ?? 0,
      queue: [],
      head: 0,
      running: false,
      drained: [],
      queued: 0,
      handled: 0,
      handledWaiters: [],
    });
    this.consumers.set(topic, list);
    return Promise.resolve();
  }

  ping(): Promise<void> {
    return this.closed ? Promise.reject(new Error('bus is closed')) : Promise.resolve();
  }

  /** Messages queued and not yet handled, per topic and group (bus lag). */
  lag(): BusLag[] {
    return [...this.consumers.values()].flat().map((c) => ({ topic: c.topic, group: c.group, lag: c.queue.length - c.head }));
  }

  /** Resolves when every queue is empty and no handler is running. */
  async idle(): Promise<void> {
    for (;;) {
      const busy = [...this.consumers.values()].flat().some((c) => c.running || c.queue.length > c.head);
      if (!busy) return;
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  close(): Promise<void> {
    this.closed = true;
    for (const c of [...this.consumers.values()].flat()) {
      c.drained.splice(0).forEach((r) => r());
      c.handledWaiters.splice(0).forEach((w) => w.reject(new Error('bus closed before the message was handled')));
    }
    return Promise.resolve();
  }

  private kick(c: Consumer): void {
    if (c.running) return;
    c.running = true;
    setImmediate(() => void this.drain(c));
  }

  private async drain(c: Consumer): Promise<void> {
    while (!this.closed && c.queue.length > c.head) {
      if (c.lingerMs > 0 && c.queue.length - c.head < c.maxBatch) await new Promise((r) => setTimeout(r, c.lingerMs));
      const batch = c.queue.slice(c.head, c.head + c.maxBatch);
      const stored = await retryWithBackoff(() => c.handler(batch), {
        backoff: this.backoff,
        keepTrying: () => !this.closed,
        onRetry: (error, failures) => this.options.onHandlerError?.(c.topic, c.group, error, failures),
      });
      if (stored.done) {
        c.head += batch.length;
        c.handled += batch.length;
        // Waiters are in publish order: release the satisfied prefix with one splice (shift() each would be quadratic).
        let released = 0;
        while (released < c.handledWaiters.length && c.handledWaiters[released].upTo <= c.handled) c.handledWaiters[released++].resolve();
        if (released > 0) c.handledWaiters.splice(0, released);
        if (c.head > 10_000 && c.head * 2 > c.queue.length) {
          c.queue = c.queue.slice(c.head);
          c.head = 0;
        }
        if (c.queue.length - c.head < this.highWaterMark) c.drained.splice(0).forEach((r) => r());
      }
    }
    c.running = false;
    if (!this.closed && c.queue.length > c.head) this.kick(c);
  }
}
