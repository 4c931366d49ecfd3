import { randomUUID } from 'node:crypto';
import { connectAsync, MqttClient } from 'mqtt';
import { PrivateMosquitto, waitFor } from '@app/testing';
import { MqttBatchSubscriber, MqttBatchSubscriberOptions, MqttMessage } from './mqtt-batch-subscriber';

/** Against a Mosquitto of the spec's own, persistent, so sessions and what is queued for them survive a restart. */
describe('MqttBatchSubscriber on Mosquitto', () => {
  const broker = new PrivateMosquitto({ persistence: true });
  const subscribers: MqttBatchSubscriber[] = [];
  const devices: MqttClient[] = [];

  beforeAll(() => broker.start());

  afterEach(async () => {
    await Promise.all(subscribers.splice(0).map((s) => s.stop(200)));
    await Promise.all(devices.splice(0).map((d) => d.endAsync(true)));
  });

  afterAll(() => broker.dispose());

  function options(overrides: Partial<MqttBatchSubscriberOptions> = {}): MqttBatchSubscriberOptions {
    const run = randomUUID().slice(0, 8);
    return {
      url: broker.url,
      clientId: `batch-sub-${run}`,
      topics: [`$share/g-${run}/zone-test/${run}/#`],
      persistentSession: true,
      sessionExpiryS: 60,
      receiveMaximum: 200,
      ...overrides,
    };
  }
  const topicOf = (o: MqttBatchSubscriberOptions, name: string) => `${o.topics[0].split('/').slice(2, 4).join('/')}/${name}`;

  async function subscriber(o: MqttBatchSubscriberOptions, handler: (messages: MqttMessage[]) => Promise<void>) {
    const s = new MqttBatchSubscriber();
    await s.start(o, handler);
    subscribers.push(s);
    return s;
  }
  async function device(): Promise<MqttClient> {
    const d = await connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 100 });
    devices.push(d);
    return d;
  }

  it('takes messages published fast in batches and hands over every one, in order per publisher', async () => {
    const o = options();
    const batchSizes: number[] = [];
    const received = new Map<string, number[]>();
    await subscriber(o, async (messages) => {
      batchSizes.push(messages.length);
      for (const m of messages) {
        const [publisher, n] = m.payload.toString().split(':');
        received.set(publisher, [...(received.get(publisher) ?? []), Number(n)]);
      }
      // A bus round trip: what arrives meanwhile waits for the next batch.
      await new Promise((r) => setTimeout(r, 5));
    });
    const PER_PUBLISHER = 2000;
    const publishers = await Promise.all([device(), device(), device()]);
    await Promise.all(
      publishers.flatMap((d, p) =>
        Array.from({ length: PER_PUBLISHER }, (_, n) => d.publishAsync(topicOf(o, `d${p}`), `p${p}:${n}`, { qos: 1 })),
      ),
    );
    await waitFor(() => batchSizes.reduce((a, b) => a + b, 0) >= 3 * PER_PUBLISHER || undefined, 20_000, 'every message handed over');

    expect(batchSizes.reduce((a, b) => a + b, 0)).toBe(3 * PER_PUBLISHER);
    expect(Math.max(...batchSizes)).toBeGreaterThan(1);
    for (let p = 0; p < publishers.length; p++) expect(received.get(`p${p}`)).toEqual(Array.from({ length: PER_PUBLISHER }, (_, n) => n));
  });

  it('acknowledges nothing before the handler resolved: what a stuck handler holds comes back to the next session holder', async () => {
    const o = options();
    let seen = 0;
    const stuck = new MqttBatchSubscriber();
    await stuck.start(o, (messages) => {
      seen += messages.length;
      return new Promise<void>(() => undefined);
    });
    const d = await device();
    for (let n = 0; n < 20; n++) await d.publishAsync(topicOf(o, 'd'), `m${n}`, { qos: 1 });
    await waitFor(() => seen >= 1 || undefined, 5000, 'messages to reach the stuck handler');

    await stuck.stop(200);
    expect(stuck.connected).toBe(false);

    const again: string[] = [];
    await subscriber(o, async (messages) => void again.push(...messages.map((m) => m.payload.toString())));
    await waitFor(() => again.length >= 20 || undefined, 5000, 'every unacknowledged message delivered again');
    expect(again).toEqual(Array.from({ length: 20 }, (_, n) => `m${n}`));
  });

  it('a handler that fails leaves its batch unacknowledged: the connection is reopened and the broker delivers it again', async () => {
    const o = options();
    const attempts = new Map<string, number>();
    const accepted: string[] = [];
    let failures = 0;
    const s = await subscriber(o, async (messages) => {
      for (const m of messages) attempts.set(m.payload.toString(), (attempts.get(m.payload.toString()) ?? 0) + 1);
      if (messages.some((m) => m.payload.toString() === 'poison') && failures++ < 2) throw new Error('bus refused');
      accepted.push(...messages.map((m) => m.payload.toString()));
    });
    const d = await device();
    for (const payload of ['a', 'poison', 'b']) await d.publishAsync(topicOf(o, 'd'), payload, { qos: 1 });

    await waitFor(() => ['a', 'poison', 'b'].every((p) => accepted.includes(p)) || undefined, 10_000, 'every message accepted');
    expect(failures).toBe(3);
    expect(attempts.get('poison')).toBe(3);
    await waitFor(() => s.connected || undefined, 5000, 'connected again');
  });

  it.each(['SIGTERM', 'SIGKILL'] as const)(
    'reconnects after the broker restarts (%s) and the shared subscription takes messages again',
    async (signal) => {
      const o = options();
      const received: string[] = [];
      const s = await subscriber(o, async (messages) => void received.push(...messages.map((m) => m.payload.toString())));
      const d = await device();
      await d.publishAsync(topicOf(o, 'd'), 'before', { qos: 1 });
      await waitFor(() => received.includes('before') || undefined, 5000, 'the message before the restart');

      await broker.stop(signal);
      await waitFor(() => !s.connected || undefined, 5000, 'the subscriber to notice');
      await broker.start();
      await waitFor(() => (s.connected && d.connected) || undefined, 10_000, 'subscriber and device connected again');

      await d.publishAsync(topicOf(o, 'd'), 'after', { qos: 1 });
      await waitFor(() => received.includes('after') || undefined, 5000, 'the message after the restart');
    },
  );
});
