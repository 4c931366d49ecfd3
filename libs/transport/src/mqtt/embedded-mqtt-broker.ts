import type { Aedes, AedesOptions, AuthenticateError, Client } from 'aedes';
import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { createServer as createTlsServer, TLSSocket } from 'node:tls';
import { MAX_PAYLOAD_BYTES } from '@app/contracts';
import { MqttClientCertificate, MqttDevice, MqttDeviceAuthMode, MqttDeviceAuthorizer } from './mqtt-device-authorizer';
import { guardMqttPacketSize } from './mqtt-packet-size-guard';

/** Largest MQTT packet (Remaining Length) the embedded broker reads; a client announcing more is disconnected. */
export const MAX_MQTT_PACKET_BYTES = 2 * MAX_PAYLOAD_BYTES;

export interface EmbeddedMqttBrokerOptions {
  host: string;
  /** 0 takes a free port (tests: this machine runs Mosquitto on 1883). */
  port: number;
  /** `required`: every client logs in as a device and publishes only what the authorizer allows (see authorizeWith). */
  deviceAuth: MqttDeviceAuthMode;
  /** False closes the plaintext listener on `port`: only the TLS one is opened. Default true. */
  plain?: boolean;
  tls?: EmbeddedMqttTlsOptions;
}

export interface EmbeddedMqttTlsOptions {
  cert: Buffer;
  key: Buffer;
  /** 0 takes a free port. */
  port: number;
  /** The CA device certificates are verified against. */
  ca: Buffer | undefined;
  /** `required`: the TLS handshake fails without a certificate of `ca`; `optional`: a verified one is offered to the authorizer. */
  clientAuth: 'required' | 'optional' | 'off';
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
  private tlsServer: Server | null = null;
  private interceptor: PublishInterceptor | null = null;
  // Publishes that arrive before ingest is ready wait, unacknowledged, instead of being dropped.
  private readonly waiting: Array<{ topic: string; payload: Buffer; callback: (error?: Error | null) => void }> = [];
  private authorizer: MqttDeviceAuthorizer | null = null;
  // Likewise logins, with device authentication required: they wait for the authorizer, neither let in nor turned away.
  private readonly waitingLogins: Array<(authorizer: MqttDeviceAuthorizer) => void> = [];
  private readonly tlsRefusedListeners = new Set<(reason: string, remoteAddress: string | undefined) => void>();

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

  /**
   * Told of every TLS handshake that failed (a client certificate of another CA, expired, or none when required):
   * such a client never reaches the authorizer, so this is where its refusal is counted. Returns the unsubscribe.
   */
  onTlsRefused(listener: (reason: string, remoteAddress: string | undefined) => void): () => void {
    this.tlsRefusedListeners.add(listener);
    return () => this.tlsRefusedListeners.delete(listener);
  }

  /** Ends a device's connection (its client id is its device id), e.g. once its secret was replaced; `when` picks by how it logged in. */
  disconnectDevice(deviceId: string, when: (device: MqttDevice) => boolean = () => true): boolean {
    const clients = (this.aedes as (Aedes & { clients: Record<string, DeviceClient | undefined> }) | null)?.clients;
    const client = clients?.[deviceId];
    const device = client?.[DEVICE];
    if (!client || !device || !when(device)) return false;
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
    const handle = (socket: Socket) => aedes.handle(guardMqttPacketSize(socket, MAX_MQTT_PACKET_BYTES));
    try {
      if (options.plain !== false) this.server = await listen(createServer(handle), options.port, options.host, 'MQTT_PORT');
      if (options.tls) {
        const { cert, key, ca, clientAuth, port } = options.tls;
        const server = createTlsServer(
          { cert, key, ca, requestCert: clientAuth !== 'off', rejectUnauthorized: clientAuth === 'required' },
          handle,
        );
        server.on('tlsClientError', (error, socket) => {
          for (const listener of this.tlsRefusedListeners) listener(error.message, socket.remoteAddress);
        });
        this.tlsServer = await listen(server, port, options.host, 'MQTT_TLS_PORT');
      }
    } catch (error) {
      this.server?.close();
      this.server = null;
      aedes.close();
      throw error;
    }
    this.aedes = aedes;
    return this.port;
  }

  private deviceAuthHandlers(): Pick<AedesOptions, 'authenticate' | 'authorizeSubscribe'> {
    return {
      authenticate: (client, username, password, done) => {
        const tryLogin = (authorizer: MqttDeviceAuthorizer) => {
          const login = { clientId: client.id, username: username ?? undefined, password: password ?? undefined };
          authorizer.authenticate({ ...login, certificate: verifiedCertificate(client) }).then(
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
        if (this.authorizer) tryLogin(this.authorizer);
        else this.waitingLogins.push(tryLogin);
      },
      authorizeSubscribe: (client, subscription, done) => {
        const device = (client as DeviceClient)[DEVICE];
        // null refuses this one subscription (SUBACK 0x80) and keeps the connection.
        done(null, device && this.authorizer?.authorizeSubscribe(device, subscription.topic) ? subscription : null);
      },
    };
  }

  /** The plaintext port, or the TLS one when plaintext is closed. */
  get port(): number {
    const server = this.server ?? this.tlsServer;
    if (!server) throw new Error('broker not started');
    return (server.address() as AddressInfo).port;
  }

  get tlsPort(): number | undefined {
    return this.tlsServer ? (this.tlsServer.address() as AddressInfo).port : undefined;
  }

  get connectedClients(): number {
    return this.aedes?.connectedClients ?? 0;
  }

  get running(): boolean {
    const listening = [this.server, this.tlsServer].every((server) => server === null || server.listening);
    return listening && this.aedes?.closed === false;
  }

  async stop(): Promise<void> {
    const { aedes, server, tlsServer } = this;
    this.aedes = null;
    this.server = null;
    this.tlsServer = null;
    server?.close();
    tlsServer?.close();
    if (aedes) await new Promise<void>((resolve) => aedes.close(() => resolve()));
  }
}

function listen(server: Server, port: number, host: string, variable: string): Promise<Server> {
  return new Promise<Server>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `${variable} ${port} is already in use on ${host} (another MQTT broker?): set ${variable} to a free port, or MQTT_URL to use that broker`,
            )
          : error,
      );
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(server);
    });
  });
}

/** The client certificate of a TLS connection, only when it verified against the CA (with clientAuth optional it may not have). */
function verifiedCertificate(client: Client): MqttClientCertificate | undefined {
  const conn = (client as Client & { conn?: unknown }).conn;
  if (!(conn instanceof TLSSocket) || !conn.authorized) return undefined;
  const peer = conn.getPeerCertificate();
  const commonName = peer.subject?.CN;
  if (!peer.fingerprint256 || typeof commonName !== 'string') return undefined;
  return { commonName, fingerprint: peer.fingerprint256.replaceAll(':', '').toLowerCase() };
}
