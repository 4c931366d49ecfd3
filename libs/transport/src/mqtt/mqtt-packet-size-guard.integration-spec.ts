import { connectAsync } from 'mqtt';
import { generate } from 'mqtt-packet';
import { connect as tcpConnect, Socket } from 'node:net';
import { EmbeddedMqttBroker, MAX_MQTT_PACKET_BYTES } from './embedded-mqtt-broker';

const topic = 'sites/E0001/devices/E0001-D01/telemetry';

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves with the ms until the broker closed the connection (or rejects after `ms`). */
function closedWithin(socket: Socket, ms: number): Promise<number> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still open after ${ms} ms`)), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - started);
    });
    socket.on('error', () => undefined);
  });
}

describe.each(['off', 'required'] as const)('the embedded broker refuses oversized MQTT packets (device auth %s)', (deviceAuth) => {
  const broker = new EmbeddedMqttBroker();
  const received: number[] = [];
  let port: number;

  beforeAll(async () => {
    port = await broker.start({ host: '127.0.0.1', port: 0, deviceAuth });
    broker.intercept(async (_topic, payload) => void received.push(payload.length));
  });

  afterAll(async () => {
    await broker.stop();
  });

  it('disconnects a client announcing a 256 MB packet at its header, logged in or not, without buffering it', async () => {
    const socket = await openSocket(port);
    const closed = closedWithin(socket, 2000).finally(() => socket.destroy());
    socket.write(
      generate({
        cmd: 'connect',
        clientId: 'E0001-D01',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clean: true,
        keepalive: 60,
        username: 'E0001-D01',
        password: Buffer.from('x'),
      }),
    );
    // A PUBLISH whose Remaining Length is the protocol's maximum, then a first megabyte of it.
    socket.write(Buffer.from([0x32, 0xff, 0xff, 0xff, 0x7f]));
    socket.write(Buffer.alloc(1 << 20, 'a'));
    await expect(closed).resolves.toBeLessThan(2000);
    expect(received).toEqual([]);
  });

  if (deviceAuth === 'off') {
    it('still takes packets up to the limit', async () => {
      const device = await connectAsync(`mqtt://127.0.0.1:${port}`, { protocolVersion: 4, reconnectPeriod: 0 });
      try {
        await device.publishAsync(topic, Buffer.alloc(MAX_MQTT_PACKET_BYTES - 1024, 'a'), { qos: 1 });
        await device.publishAsync(topic, '{}', { qos: 1 });
        expect(received).toEqual([MAX_MQTT_PACKET_BYTES - 1024, 2]);
      } finally {
        await device.endAsync();
      }
    });
  }
});
