import { connectAsync } from 'mqtt';
import { EmbeddedMqttBroker } from './embedded-mqtt-broker';

describe('EmbeddedMqttBroker', () => {
  const brokers: EmbeddedMqttBroker[] = [];
  afterAll(async () => {
    await Promise.all(brokers.map((b) => b.stop()));
  });

  it('names MQTT_PORT when its port is taken, instead of a bare EADDRINUSE', async () => {
    const first = new EmbeddedMqttBroker();
    brokers.push(first);
    const port = await first.start({ host: '127.0.0.1', port: 0 });
    await expect(new EmbeddedMqttBroker().start({ host: '127.0.0.1', port })).rejects.toThrow(`MQTT_PORT ${port} is already in use`);
  });

  it('acknowledges a publish only after the interceptor has it, also one sent before the interceptor was there', async () => {
    const sut = new EmbeddedMqttBroker();
    brokers.push(sut);
    const port = await sut.start({ host: '127.0.0.1', port: 0 });
    const device = await connectAsync(`mqtt://127.0.0.1:${port}`, { protocolVersion: 4, reconnectPeriod: 0 });
    let acked = false;
    const early = device.publishAsync('sites/E1/devices/D1/telemetry', 'early', { qos: 1 }).then(() => (acked = true));
    await new Promise((r) => setTimeout(r, 200));
    expect(acked).toBe(false);

    const got: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    sut.intercept(async (_topic, payload) => {
      got.push(payload.toString());
      await gate;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(got).toEqual(['early']);
    expect(acked).toBe(false);
    release();
    await early;
    expect(acked).toBe(true);
    await device.endAsync();
  });
});
