import { connectAsync, MqttClient } from 'mqtt';
import { EmbeddedMqttBroker } from './embedded-mqtt-broker';
import { MqttDevice, MqttDeviceAuthorizer } from './mqtt-device-authorizer';

describe('EmbeddedMqttBroker', () => {
  const brokers: EmbeddedMqttBroker[] = [];
  afterAll(async () => {
    await Promise.all(brokers.map((b) => b.stop()));
  });

  it('names MQTT_PORT when its port is taken, instead of a bare EADDRINUSE', async () => {
    const first = new EmbeddedMqttBroker();
    brokers.push(first);
    const port = await first.start({ host: '127.0.0.1', port: 0, deviceAuth: 'off' });
    await expect(new EmbeddedMqttBroker().start({ host: '127.0.0.1', port, deviceAuth: 'off' })).rejects.toThrow(
      `MQTT_PORT ${port} is already in use`,
    );
  });

  it('acknowledges a publish only after the interceptor has it, also one sent before the interceptor was there', async () => {
    const sut = new EmbeddedMqttBroker();
    brokers.push(sut);
    const port = await sut.start({ host: '127.0.0.1', port: 0, deviceAuth: 'off' });
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

describe('EmbeddedMqttBroker with device authentication required', () => {
  const devices: Record<string, MqttDevice> = {
    D1: { deviceId: 'D1', enterpriseId: 'E1', topicPrefix: 'sites/E1/devices/D1/' },
    D2: { deviceId: 'D2', enterpriseId: 'E1', topicPrefix: 'sites/E1/devices/D2/' },
  };
  let failing = false;
  const authorizer: MqttDeviceAuthorizer = {
    authenticate: async ({ username, password }) => {
      if (failing) throw new Error('database down');
      return username && password?.toString() === `secret-${username}` ? (devices[username] ?? null) : null;
    },
    authorizePublish: (device, topic) => topic.startsWith(device.topicPrefix),
    authorizeSubscribe: (device, filter) => filter.startsWith(device.topicPrefix),
  };
  const sut = new EmbeddedMqttBroker();
  const published: string[] = [];
  let url = '';
  const clients: MqttClient[] = [];
  const connect = async (username?: string, password?: string, clientId?: string) => {
    const client = await connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0, username, password, clientId });
    clients.push(client);
    return client;
  };
  const closed = (client: MqttClient) =>
    new Promise<void>((resolve) => (client.connected ? client.once('close', () => resolve()) : resolve()));

  beforeAll(async () => {
    url = `mqtt://127.0.0.1:${await sut.start({ host: '127.0.0.1', port: 0, deviceAuth: 'required' })}`;
    sut.intercept(async (topic) => {
      published.push(topic);
    });
  });
  afterEach(() => {
    failing = false;
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await sut.stop();
  });

  it('holds a login until the authorizer is there, then lets the device publish under its own topics', async () => {
    let connected = false;
    const early = connect('D1', 'secret-D1').then((c) => ((connected = true), c));
    await new Promise((r) => setTimeout(r, 200));
    expect(connected).toBe(false);
    sut.authorizeWith(authorizer);
    const device = await early;
    await device.publishAsync('sites/E1/devices/D1/telemetry', '{}', { qos: 1 });
    expect(published).toContain('sites/E1/devices/D1/telemetry');
  });

  it.each([
    ['a wrong password', 'D1', 'secret-D2'],
    ['no credentials', undefined, undefined],
    ['an unknown device', 'D9', 'secret-D9'],
  ])('refuses %s with CONNACK 5 (not authorized)', async (_what, username, password) => {
    await expect(connect(username, password)).rejects.toMatchObject({ code: 5 });
  });

  it('answers CONNACK 3 (server unavailable) when the authorizer cannot decide', async () => {
    failing = true;
    await expect(connect('D1', 'secret-D1')).rejects.toMatchObject({ code: 3 });
  });

  it('closes the connection of a device publishing outside its topics; nothing reaches the interceptor', async () => {
    const device = await connect('D1', 'secret-D1');
    const gone = closed(device);
    device.publish('sites/E1/devices/D2/telemetry', '{}', { qos: 1 });
    await gone;
    expect(published).not.toContain('sites/E1/devices/D2/telemetry');
  });

  it('refuses a subscription outside the device topics and keeps the connection', async () => {
    const device = await connect('D1', 'secret-D1');
    await expect(device.subscribeAsync('sites/#', { qos: 1 })).rejects.toMatchObject({ packet: { granted: [128] } });
    await expect(device.subscribeAsync('sites/E1/devices/D1/#', { qos: 1 })).resolves.toEqual([expect.objectContaining({ qos: 1 })]);
    expect(device.connected).toBe(true);
  });

  it('gives each connection its device id as client id: a device cannot take over another one by client id', async () => {
    const one = await connect('D1', 'secret-D1', 'same-id');
    const two = await connect('D2', 'secret-D2', 'same-id');
    await new Promise((r) => setTimeout(r, 100));
    expect([one.connected, two.connected]).toEqual([true, true]);
    const gone = closed(one);
    expect(sut.disconnectDevice('D1')).toBe(true);
    await gone;
    expect(two.connected).toBe(true);
    expect(sut.disconnectDevice('D9')).toBe(false);
  });
});
