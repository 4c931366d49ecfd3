import { Admin, Consumer, Kafka, KafkaMessage, logLevel, Message, Partitioners, Producer } from 'kafkajs';
import { retryWithBackoff, sleep } from '../retry';
import { Bus, BusHandler, BusLag, BusMessage, SubscribeOptions } from './bus';
import { kafkaConnectionOptions, type KafkaConnectionSecurity } from './kafka-connection-options';

export interface KafkaBusLogger {
  log(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export interface KafkaBusOptions extends KafkaConnectionSecurity {
  brokers: string[];
  clientId: string;
  /** Topics created at start (when missing) with this many partitions. */
  topics: string[];
  partitions: number;
  replicationFactor: number;
  /** Where a message that is not JSON goes, with its reason, instead of blocking its partition. */
  deadLetterTopic: string;
  /** Put before every topic and group name, so several deployments (or test runs) can share a cluster. */
  namePrefix?: string;
  logger?: KafkaBusLogger;
}

const PING_TIMEOUT_MS = 2000;

/**
 * The bus on Apache Kafka (kafkajs). Messages are JSON with the bus key as the
 * Kafka key, so one key stays in one partition and in order. Consumers run
 * with auto-commit off: a batch's offset+1 is committed only after the handler
 * resolved, i.e. after its effect is stored; a handler that throws gets the
 * same messages again, with back-off, until it succeeds — never a skip.
 *
 * We use kafkajs directly rather than the @nestjs/microservices Kafka
 * transport because the handlers are batch handlers (one database write per
 * batch) and the same Bus interface must also run in process.
 */
export class KafkaBus implements Bus {
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly admin: Admin;
  private readonly consumers: Consumer[] = [];
  private connected = false;
  private readonly prefix: string;
  private pending = new Map<string, Message[]>();
  private waiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  private sending = false;
  private readonly lags = new Map<string, number>();

  constructor(private readonly options: KafkaBusOptions) {
    this.prefix = options.namePrefix ?? '';
    const logger = options.logger;
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      ...kafkaConnectionOptions(options),
      connectionTimeout: 5000,
      retry: { initialRetryTime: 300, maxRetryTime: 10_000, retries: 20 },
      logLevel: logLevel.WARN,
      logCreator: () => (entry) => {
        const text = `kafka ${entry.namespace}: ${entry.log.message}${entry.log.error ? ` (${entry.log.error})` : ''}`;
        if (entry.level <= logLevel.ERROR) logger?.error(text);
        else logger?.warn(text);
      },
    });
    // One request in flight keeps each partition in order across retries; a retry may
    // still duplicate a message, which every consumer tolerates (idempotent handlers).
    this.producer = this.kafka.producer({
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.admin = this.kafka.admin();
  }

  async connect(): Promise<void> {
    await this.admin.connect();
    const existing = new Set(await this.admin.listTopics());
    const missing = this.options.topics.map((t) => this.prefix + t).filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await this.admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: this.options.partitions,
          replicationFactor: this.options.replicationFactor,
        })),
      });
      this.options.logger?.log(`created topics ${missing.join(', ')} with ${this.options.partitions} partitions`);
    }
    await this.producer.connect();
    this.connected = true;
  }

  /**
   * Sends while no request is in flight; what arrives meanwhile waits and goes
   * in the next request, so concurrent publishers (many MQTT connections) share
   * round trips without adding latency when the load is light.
   */
  publish<T>(topic: string, messages: BusMessage<T>[]): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const list = this.pending.get(topic) ?? [];
      for (const m of messages) list.push({ key: m.key, value: JSON.stringify(m.value), headers: m.headers });
      this.pending.set(topic, list);
      this.waiters.push({ resolve, reject });
      if (!this.sending) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.sending = true;
    while (this.waiters.length > 0) {
      const topicMessages = [...this.pending].map(([topic, messages]) => ({ topic: this.prefix + topic, messages }));
      const waiters = this.waiters;
      this.pending = new Map();
      this.waiters = [];
      try {
        await this.producer.sendBatch({ topicMessages, acks: -1 });
        waiters.forEach((w) => w.resolve());
      } catch (e) {
        waiters.forEach((w) => w.reject(e as Error));
      }
    }
    this.sending = false;
  }

  async subscribe<T>(topic: string, group: string, handler: BusHandler<T>, options: SubscribeOptions = {}): Promise<void> {
    await this.startConsumer(topic, group, handler, options);
  }

  private async startConsumer<T>(topic: string, group: string, handler: BusHandler<T>, options: SubscribeOptions): Promise<void> {
    const maxBatch = options.maxBatch ?? 1000;
    const consumer = this.kafka.consumer({
      // A Kafka group per (group, topic): kafkajs members of one group must all
      // subscribe to the same topics, and each subscription here is its own consumer.
      groupId: `${this.prefix}${group}.${topic}`,
      sessionTimeout: 30_000,
      heartbeatInterval: 3000,
      allowAutoTopicCreation: false,
      retry: { initialRetryTime: 300, maxRetryTime: 10_000, retries: 10 },
    });
    this.consumers.push(consumer);
    // kafkajs restarts a consumer after a retriable crash but leaves it dead
    // after any other (e.g. the coordinator dropped the member): a process that
    // looks healthy and consumes nothing. Start it afresh from the committed offset.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || !this.connected) return;
      this.options.logger?.error(`consumer ${group} on ${topic} stopped (${payload.error.message}); starting it again`);
      void this.restartConsumer(consumer, topic, group, handler, options);
    });
    await consumer.connect();
    // A broadcast group (live streams) only wants what happens from now on.
    await consumer.subscribe({ topics: [this.prefix + topic], fromBeginning: !options.broadcast });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // kafkajs hands these over as free functions: destructuring them is its documented use.
      // eslint-disable-next-line @typescript-eslint/unbound-method
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        const good: Array<BusMessage<T> & { offset: string }> = [];
        const bad: KafkaMessage[] = [];
        for (const m of batch.messages) {
          const value = parse<T>(m);
          if (value === undefined) bad.push(m);
          else good.push({ key: m.key?.toString() ?? '', value, headers: headersOf(m), offset: m.offset });
        }
        // Bad messages are dead-lettered before any offset past them is committed.
        if (bad.length > 0) await this.deadLetter(topic, group, bad);
        const lagKey = `${topic}\u0000${group}\u0000${batch.partition}`;
        const commit = async (offset: string) => {
          resolveOffset(offset);
          await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(offset) + 1n).toString() }]);
        };
        for (let i = 0; i < good.length; i += maxBatch) {
          if (!isRunning() || isStale()) return;
          const chunk = good.slice(i, i + maxBatch);
          const handled = await this.handleUntilStored(
            topic,
            group,
            handler,
            chunk.map(({ offset: _offset, ...message }) => message),
            heartbeat,
            () => isRunning() && !isStale(),
          );
          if (!handled) return;
          await commit(chunk[chunk.length - 1].offset);
          this.lags.set(lagKey, Number(batch.highWatermark) - Number(chunk[chunk.length - 1].offset) - 1);
          await heartbeat();
        }
        await commit(batch.lastOffset());
        this.lags.set(lagKey, Number(batch.offsetLag()));
      },
    });
  }

  /**
   * Runs the handler until it succeeds, backing off, while heartbeating so the
   * group keeps this member through a long outage of what the handler writes
   * to (a database away for 30 s would otherwise outlast the session timeout
   * and cost a rebalance per attempt). False when the partition was taken away
   * meanwhile: the batch is left uncommitted for its new owner.
   */
  private async handleUntilStored<T>(
    topic: string,
    group: string,
    handler: BusHandler<T>,
    messages: BusMessage<T>[],
    heartbeat: () => Promise<void>,
    stillOurs: () => boolean,
  ): Promise<boolean> {
    const stored = await retryWithBackoff(() => handler(messages), {
      backoff: { baseMs: 200, maxMs: 5000 },
      keepTrying: () => stillOurs() && this.connected,
      onRetry: (e, attempt) => {
        if (attempt === 1 || attempt % 10 === 0)
          this.options.logger?.warn(`${group} failed on ${topic} (attempt ${attempt}), retrying: ${(e as Error).message}`);
      },
      sleep: async (delay) => {
        for (let waited = 0; waited < delay && stillOurs(); waited += 1000) {
          await sleep(Math.min(1000, delay - waited));
          await heartbeat();
        }
      },
    });
    return stored.done;
  }

  private async restartConsumer<T>(
    dead: Consumer,
    topic: string,
    group: string,
    handler: BusHandler<T>,
    options: SubscribeOptions,
  ): Promise<void> {
    const index = this.consumers.indexOf(dead);
    if (index >= 0) this.consumers.splice(index, 1);
    await dead.disconnect().catch(() => undefined);
    if (!this.connected) return;
    await retryWithBackoff(() => this.startConsumer(topic, group, handler, options), {
      backoff: { baseMs: 500, maxMs: 10_000 },
      keepTrying: () => this.connected,
      onRetry: (e, attempt) =>
        this.options.logger?.warn(`consumer ${group} on ${topic} did not start again (attempt ${attempt}): ${(e as Error).message}`),
    });
  }

  /** Per topic and group: how far the committed offsets of this process's partitions trail the log end, as of the last batch. */
  lag(): BusLag[] {
    const sums = new Map<string, BusLag>();
    for (const [key, lag] of this.lags) {
      const [topic, group] = key.split('\u0000');
      const entry = sums.get(`${topic}\u0000${group}`) ?? { topic, group, lag: 0 };
      entry.lag += Math.max(0, lag);
      sums.set(`${topic}\u0000${group}`, entry);
    }
    return [...sums.values()];
  }

  async ping(): Promise<void> {
    if (!this.connected) throw new Error('not connected to Kafka');
    await Promise.race([
      this.admin.describeCluster(),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`Kafka did not answer in ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS).unref(),
      ),
    ]);
  }

  async close(): Promise<void> {
    this.connected = false;
    await Promise.allSettled(this.consumers.map((c) => c.disconnect()));
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
  }

  private async deadLetter(topic: string, group: string, messages: KafkaMessage[]): Promise<void> {
    const now = Date.now();
    await this.publish(
      this.options.deadLetterTopic,
      messages.map((m) => ({
        key: m.key?.toString() ?? topic,
        value: {
          v: 1,
          source: 'bus',
          topic,
          reason: 'processing-failed',
          detail: `${group}: message at offset ${m.offset} is not JSON`,
          deviceId: null,
          payload: (m.value?.toString('utf8') ?? '').slice(0, 2048),
          receivedAt: now,
          correlationId: headersOf(m).correlationId ?? '',
        },
      })),
    );
  }
}

function parse<T>(m: KafkaMessage): T | undefined {
  if (!m.value) return undefined;
  try {
    return JSON.parse(m.value.toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

function headersOf(m: KafkaMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.headers ?? {})) {
    if (v !== undefined) out[k] = Array.isArray(v) ? v.map(String).join(',') : v.toString();
  }
  return out;
}
