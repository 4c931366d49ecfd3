import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { waitFor } from '@app/testing';
import { BusMessage } from './bus';
import { KafkaBus } from './kafka-bus';

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

describe('KafkaBus (real Kafka broker)', () => {
  const run = randomUUID().slice(0, 8);
  const topic = `test-${run}.v1`;
  const deadLetters = `test-${run}-dlq.v1`;
  const buses: KafkaBus[] = [];

  const makeBus = async (): Promise<KafkaBus> => {
    const bus = new KafkaBus({
      brokers: BROKERS,
      clientId: `test-${run}`,
      topics: [topic, deadLetters],
      partitions: 4,
      replicationFactor: 1,
      deadLetterTopic: deadLetters,
    });
    await bus.connect();
    buses.push(bus);
    return bus;
  };

  afterAll(async () => {
    await Promise.all(buses.map((b) => b.close()));
  });

  it('creates its topics with the configured partitions and answers ping', async () => {
    const bus = await makeBus();
    await bus.ping();
    const admin = new Kafka({ brokers: BROKERS, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    await admin.disconnect();
    expect(meta.topics[0].partitions).toHaveLength(4);
  });

  it('keeps each key in order, gives every group all messages and retries a failing batch without loss', async () => {
    const producer = await makeBus();
    const consumerA = await makeBus();
    const seenA: BusMessage<{ n: number }>[] = [];
    const seenB: BusMessage<{ n: number }>[] = [];
    let failOnce = true;
    await consumerA.subscribe<{ n: number }>(topic, `a-${run}`, async (batch) => {
      if (failOnce) {
        failOnce = false;
        throw new Error('database unavailable');
      }
      seenA.push(...batch);
    });
    const consumerB = await makeBus();
    await consumerB.subscribe<{ n: number }>(topic, `b-${run}`, async (batch) => void seenB.push(...batch));

    const keys = ['dev-1', 'dev-2', 'dev-3'];
    for (let n = 0; n < 60; n++) await producer.publish(topic, [{ key: keys[n % 3], value: { n }, headers: { correlationId: `c-${n}` } }]);

    await waitFor(() => seenA.length >= 60 && seenB.length >= 60, 30_000, 'both groups to see 60 messages');
    for (const seen of [seenA, seenB]) {
      const ns = new Set(seen.map((m) => m.value.n));
      expect(ns.size).toBe(60);
      for (const key of keys) {
        const order = seen.filter((m) => m.key === key).map((m) => m.value.n);
        expect(order).toEqual([...new Set(order)].sort((x, y) => x - y));
      }
    }
    expect(seenA.find((m) => m.value.n === 7)?.headers?.correlationId).toBe('c-7');
  });

  it('resumes a group after a restart from the last committed offset: nothing lost, nothing handled twice once committed', async () => {
    const producer = await makeBus();
    const group = `restart-${run}`;
    const first = await makeBus();
    const handled: number[] = [];
    await first.subscribe<{ n: number }>(topic, group, async (batch) => void handled.push(...batch.map((m) => m.value.n)));
    await waitFor(() => handled.length >= 60, 30_000, 'the first consumer to catch up');
    await first.close();

    for (let n = 100; n < 120; n++) await producer.publish(topic, [{ key: 'dev-9', value: { n } }]);
    const second = await makeBus();
    const after: number[] = [];
    await second.subscribe<{ n: number }>(topic, group, async (batch) => void after.push(...batch.map((m) => m.value.n)));
    await waitFor(() => after.length >= 20, 30_000, 'the restarted consumer to see the new messages');
    expect(after.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => 100 + i));
  });

  it('dead-letters a message that is not JSON and goes on with the next', async () => {
    const producer = await makeBus();
    const raw = new Kafka({ brokers: BROKERS, logLevel: logLevel.NOTHING }).producer();
    await raw.connect();
    const consumer = await makeBus();
    const good: number[] = [];
    await consumer.subscribe<{ n: number }>(topic, `dlq-${run}`, async (batch) => void good.push(...batch.map((m) => m.value.n)));
    await raw.send({ topic, messages: [{ key: 'dev-x', value: '{not json' }] });
    await producer.publish(topic, [{ key: 'dev-x', value: { n: 999 } }]);
    await raw.disconnect();

    const dead: BusMessage<{ reason: string; payload: string }>[] = [];
    const watcher = await makeBus();
    await watcher.subscribe<{ reason: string; payload: string }>(
      deadLetters,
      `dlq-watch-${run}`,
      async (batch) => void dead.push(...batch),
    );
    await waitFor(() => good.includes(999) && dead.length >= 1, 30_000, 'the good message handled and the bad one dead-lettered');
    expect(dead[0].value).toMatchObject({ reason: 'processing-failed', payload: '{not json' });
  });
});
