/**
 * The message bus between the apps. Kafka in distributed mode, an in-process
 * adapter in embedded mode; code above it does not know which one runs.
 *
 * Delivery is at least once: a handler's batch counts as consumed only when
 * its promise resolves (for Kafka: the offset is committed after the effect is
 * stored). A handler that throws gets the batch again after a back-off, so a
 * handler must be idempotent, and must dead-letter bad data rather than throw.
 */
export interface BusMessage<T> {
  key: string;
  value: T;
  headers?: Record<string, string>;
}

export type BusHandler<T> = (messages: BusMessage<T>[]) => Promise<void>;

export interface SubscribeOptions {
  /** Largest batch handed to the handler at once. */
  maxBatch?: number;
  /**
   * Wait up to this long for a fuller batch when fewer than maxBatch are
   * queued: fewer, larger database writes under load, for a few ms of latency.
   */
  lingerMs?: number;
  /** A group of its own that sees every message (live streams); not load-shared. */
  broadcast?: boolean;
}

export interface BusLag {
  topic: string;
  group: string;
  lag: number;
}

export interface PublishOptions {
  /**
   * Resolve only when the messages can no longer be lost with this process:
   * Kafka has them on every in-sync replica (always the case there), or, in
   * process, every consumer group has handled them (their effects are stored).
   * Ingest acknowledges a device's message only after this.
   */
  durable?: boolean;
}

export interface Bus {
  publish<T>(topic: string, messages: BusMessage<T>[], options?: PublishOptions): Promise<void>;
  /** Consumers in one group share a topic's messages; every group sees all of them. */
  subscribe<T>(topic: string, group: string, handler: BusHandler<T>, options?: SubscribeOptions): Promise<void>;
  /** Messages published and not yet handled, per topic and consumer group of this process (bus lag). */
  lag(): BusLag[];
  /** Resolves when the bus can take messages; rejects with the reason otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const BUS = Symbol('BUS');
