import type { Aedes, AedesOptions, AuthenticateError, Client } from 'aedes';
import { createServer, Server } from 'node:net';
import { AddressInfo } from 'node:net';
import { MAX_PAYLOAD_BYTES } from '@app/contracts';
import { MqttDevice, MqttDeviceAuthMode, MqttDeviceAuthorizer } from './mqtt-device-authorizer';
import { guardMqttPacketSize } from './mqtt-packet-size-guard';

/** Largest MQTT packet (Remaining Length) the embedded broker reads; a client announcing more is disconnected. */
export const MAX_MQTT_PACKET_BYTES = 2 * MAX_PAYLOAD_BYTES;

export interface EmbeddedMqttBrokerOptions {
  host: string;
  /** 0 takes a free port (tests: this machine runs Mosquitto on 1883). */
  port: number;
  /** `required`: every client logs in as a device and publishes only what the authorizer allows (see authorizeWith). */
  deviceAuth: MqttDeviceAuthMode;
}

const DEVICE = Symbol('mqttDevice');
type DeviceClient = Client & { [DEVICE]?: MqttDevice };

// CONNACK return codes of MQTT 3.1.1.
const SERVER_UNAVAILABLE = 3;
const NOT_AUTHORIZED = 5;

function connectError(message: string, returnCode: number): AuthenticateError {
  const error: AuthenticateError = Object.assign(new Error(message), { returnCode });
  return error;
}

/** The in-process MQTT broker (aedes) of the all-in-one process. */
export type PublishInterceptor = (topic: string, payload: Buffer) => Promise<void>;

export class EmbeddedMqttBroker {
  private aedes: Aedes | null = null;
  private server: Server | null = null;
  private interceptor: PublishInterceptor | null = null;
  // Publishes that arrive before ingest is ready wait, unacknowledged, instead of being dropped.
  private readonly waiting: Array<{ topic: string; payload: Buffer; callback: (error?: Error | null) => void }> = [];
  private authorizer: MqttDeviceAuthorizer | null = null;
  // Likewise logins, with device authentication required: they wait for the authorizer, neither let in nor turned away.
  private readonly waitingLogins: Array<(authorizer: MqttDeviceAuthorizer) => void> = [];

  /**
   * Hands every device publish to `handler` inside the broker, before it is
   * acknowledged: the device gets its PUBACK only once the handler resolved
   * (the reading is on the bus), with no second MQTT hop through a client.
   */
  intercept(handler: PublishInterceptor): void {
    this.interceptor = handler;
    for (const w of this.waiting.splice(0)) this.deliver(handler, w.topic, w.payload, w.callback);
  }

  /** With `deviceAuth: 'required'`, who may connect and publish; logins wait until it is set. */
  authorizeWith(authorizer: MqttDeviceAuthorizer): void {
    this.authorizer = authorizer;
    for (const login of this.waitingLogins.splice(0)) login(authorizer);
  }

  /** Ends a device's connection (its client id is its device id), e.g. once its secret was replaced. */
  disconnectDevice(deviceId: string): boolean {
    const clients = (this.aedes as (Aedes & { clients: Record<string, DeviceClient | undefined> }) | null)?.clients;
    const client = clients?.[deviceId];
    if (!client?.[DEVICE]) return false;
    client.close();
    return true;
  }

  private deliver(handler: PublishInterceptor, topic: string, payload: Buffer, callback: (error?: Error | null) => void): void {
    handler(topic, payload).then(
      () => callback(null),
      (error: Error) => callback(error),
    );
  }

  async start(options: EmbeddedMqttBrokerOptions): Promise<number> {
    // aedes 1 is an ES module: loaded on demand (jest runs with vm modules for it).
    const { Aedes: Broker } = await import('aedes');
    const required = options.deviceAuth === 'required';
    const aedes = await Broker.createBroker({
      ...(required ? this.deviceAuthHandlers() : {}),
      authorizePublish: (client, packet, callback) => {
        if (!client) return callback(null);
        if (required) {
          const device = (client as DeviceClient)[DEVICE];
          // MQTT 3.1.1 cannot refuse a publish: the connection is closed instead.
          if (!device || !this.authorizer?.authorizePublish(device, packet.topic)) return callback(new Error('publish not authorized'));
        }
        const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
        if (this.interceptor) this.deliver(this.interceptor, packet.topic, payload, callback);
        else this.waiting.push({ topic: packet.topic, payload, callback });
      },
    });
    // aedes would buffer a packet of any announced size, even before login; twice the largest payload ingest takes is plenty.
    const server = createServer((socket) => aedes.handle(guardMqttPacketSize(socket, MAX_MQTT_PACKET_BYTES)));
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => {
        aedes.close();
        reject(
          error.code === 'EADDRINUSE'
            ? new Error(
                `MQTT_PORT ${options.port} is already in use on ${options.host} (another MQTT broker?): set MQTT_PORT to a free port, or MQTT_URL to use that broker`,
              )
            : error,
        );
      };
      server.once('error', onError);
      server.listen(options.port, options.host, () => {
        server.off('error', onError);
        resolve();
      });
    });
    this.aedes = aedes;
    this.server = server;
    return (server.address() as AddressInfo).port;
  }

  private deviceAuthHandlers(): Pick<AedesOptions, 'authenticate' | 'authorizeSubscribe'> {
    return {
      authenticate: (client, username, password, done) => {
        const login = (authorizer: MqttDeviceAuthorizer) => {
          authorizer.authenticate({ clientId: client.id, username: username ?? undefined, password: password ?? undefined }).then(
            (device) => {
              if (!device) return done(connectError('not authorized', NOT_AUTHORIZED), false);
              // The device id becomes the client id (Mosquitto's use_username_as_clientid): a device cannot take over another's session.
              (client as { id: string }).id = device.deviceId;
              (client as DeviceClient)[DEVICE] = device;
              done(null, true);
            },
            () => done(connectError('server unavailable', SERVER_UNAVAILABLE), false),
          );
        };
        if (this.authorizer) login(this.authorizer);
        else this.waitingLogins.push(login);
      },
      authorizeSubscribe: (client, subscription, done) => {
        const device = (client as DeviceClient)[DEVICE];
        // null refuses this one subscription (SUBACK 0x80) and keeps the connection.
        done(null, device && this.authorizer?.authorizeSubscribe(device, subscription.topic) ? subscription : null);
      },
    };
  }

  get port(): number {
    if (!this.server) throw new Error('broker not started');
    return (this.server.address() as AddressInfo).port;
  }

  get connectedClients(): number {
    return this.aedes?.connectedClients ?? 0;
  }

  get running(): boolean {
    return this.server?.listening === true && this.aedes?.closed === false;
  }

  async stop(): Promise<void> {
    const { aedes, server } = this;
    this.aedes = null;
    this.server = null;
    if (server) {
      server.close();
    }
    if (aedes) await new Promise<void>((resolve) => aedes.close(() => resolve()));
  }
}
