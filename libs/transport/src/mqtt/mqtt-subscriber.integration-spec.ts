import { randomUUID } from 'node:crypto';
import { connectAsync } from 'mqtt';
import { waitFor } from '@app/testing';
import { MqttSubscriber } from './mqtt-subscriber';

const MQTT_URL = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

/** Against the machine's Mosquitto: a handler that never finishes (a bus that is down) does not hold a shutdown. */
describe('MqttSubscriber on Mosquitto', () => {
  it('stops within its grace period while a message is still being handled, and the broker delivers it again to the next session holder', async () => {
    const run = randomUUID().slice(0, 8);
    const topic = `zone-test/${run}/telemetry`;
    const clientId = `zone-sub-test-${run}`;
    const options = { url: MQTT_URL, clientId, topics: [topic], protocolVersion: 5 as const, persistentSession: true, sessionExpiryS: 60 };
    const stuck = new MqttSubscriber();
    let seen = 0;
    await stuck.start(options, () => {
      seen++;
      return new Promise<void>(() => undefined);
    });
    const device = await connectAsync(MQTT_URL, { protocolVersion: 5 });
    try {
      await device.publishAsync(topic, 'reading-1', { qos: 1 });
      await waitFor(() => seen === 1 || undefined, 5000, 'the message to reach the stuck handler');

      const started = Date.now();
      await stuck.stop(300);
      expect(Date.now() - started).toBeLessThan(2000);

      // The same session again: the message the stuck handler never acknowledged comes back.
      const again: string[] = [];
      const next = new MqttSubscriber();
      await next.start(options, async (_t, payload) => void again.push(payload.toString()));
      await waitFor(() => again.includes('reading-1') || undefined, 5000, 'the unacknowledged message delivered again');
      await next.stop();
    } finally {
      await device.endAsync();
      // Remove the session from the shared broker.
      const cleanup = await connectAsync(MQTT_URL, { protocolVersion: 5, clientId, clean: true });
      await cleanup.endAsync();
    }
  });
});
