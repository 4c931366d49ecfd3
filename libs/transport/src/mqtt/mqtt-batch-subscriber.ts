import { Logger } from '@nestjs/common';
import { connect as connectTcp, isIP, Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import type { MqttSubscriberOptions } from './mqtt-subscriber';
import { generate, IConnackPacket, IPublishPacket, ISubackPacket, Packet, parser as packetParser } from 'mqtt-packet';

export interface MqttMessage {
  topic: string;
  payload: Buffer;
}

export type MqttBatchHandler = (messages: MqttMessage[]) => Promise<void>;

/** The session options of MqttSubscriber (MQTT 5 only here), with the connection's receive maximum. */
export interface MqttBatchSubscriberOptions extends Omit<MqttSubscriberOptions, 'protocolVersion'> {
  /** QoS 1 messages the broker sends before it waits for our acknowledgements: what one connection holds at most. */
  receiveMaximum: number;
  keepaliveS?: number;
}

const MQTT5 = { protocolVersion: 5 } as const;
const FIRST_RECONNECT_MS = 250;
const MAX_RECONNECT_MS = 5000;
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * An MQTT 5 subscriber that takes what one socket read brings as one batch:
 * the handler gets every PUBLISH parsed from it (and whatever arrived while
 * the previous batch was handled), and once it resolved the batch's PUBACKs go
 * out in order in one write. Nothing is acknowledged before the handler
 * resolved; a handler that rejects drops the connection, so the broker
 * delivers the unacknowledged messages again to the session's next holder.
 * (mqtt.js hands over one message at a time, which caps a connection at one
 * bus round trip per message.)
 */
export class MqttBatchSubscriber {
  private readonly logger = new Logger(MqttBatchSubscriber.name);
  private connection: BrokerConnection | null = null;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectMs = FIRST_RECONNECT_MS;
  private stopped = false;

  async start(options: MqttBatchSubscriberOptions, handler: MqttBatchHandler): Promise<void> {
    const first = this.open(options, handler, Promise.resolve());
    try {
      await first.subscribed;
    } catch (error) {
      this.stopped = true;
      clearTimeout(this.reconnectTimer);
      throw error;
    }
  }

  get connected(): boolean {
    return this.connection?.ready === true;
  }

  /** Messages of the current connection being handled, and those received meanwhile waiting for the next batch. */
  get backlog(): { handling: number; waiting: number } {
    return { handling: this.connection?.handling ?? 0, waiting: this.connection?.waitingCount ?? 0 };
  }

  /**
   * Ends the connection once the batch in hand is handled, or after `graceMs`
   * (a bus that is down would hold it for minutes): what is left
   * unacknowledged the broker delivers again to the session's next holder.
   */
  async stop(graceMs = 5000): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    await this.connection?.end(graceMs);
  }

  private open(options: MqttBatchSubscriberOptions, handler: MqttBatchHandler, previousBatch: Promise<void>): BrokerConnection {
    const connection = new BrokerConnection(openSocket(options), options, handler, previousBatch);
    this.connection = connection;
    void connection.closed.then((error) => {
      if (this.stopped) return;
      if (connection.accepted) this.reconnectMs = FIRST_RECONNECT_MS;
      this.logger.warn(`${options.clientId}: connection lost (${error.message}), reconnecting in ${this.reconnectMs} ms`);
      // Fast: until ingest has subscribed again, a restarted Mosquitto drops what devices publish to the shared subscription.
      this.reconnectTimer = setTimeout(() => this.open(options, handler, connection.settled), this.reconnectMs);
      this.reconnectMs = Math.min(this.reconnectMs * 2, MAX_RECONNECT_MS);
    });
    return connection;
  }
}

/** A socket to the broker and the event after which it carries MQTT (for TLS, once the handshake verified the broker). */
interface BrokerSocket {
  socket: Socket;
  readyEvent: 'connect' | 'secureConnect';
}

/** The one place a socket is made: mqtt:// in clear, mqtts:// over TLS with the broker's certificate and host name verified. */
function openSocket({ url, tls }: MqttBatchSubscriberOptions): BrokerSocket {
  const parsed = new URL(url);
  // URL keeps the brackets of an IPv6 literal, which neither net nor tls take.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (parsed.protocol === 'mqtt:') {
    return { socket: connectTcp({ host, port: Number(parsed.port || 1883), noDelay: true }), readyEvent: 'connect' };
  }
  if (parsed.protocol !== 'mqtts:') throw new Error(`unsupported MQTT URL scheme ${parsed.protocol} (mqtt:// or mqtts://)`);
  const socket = connectTls({
    host,
    port: Number(parsed.port || 8883),
    // SNI takes host names only; an IP address is still checked against the certificate's IP entries.
    servername: isIP(host) === 0 ? host : undefined,
    ca: tls?.ca,
    cert: tls?.clientCertificate?.cert,
    key: tls?.clientCertificate?.key,
    rejectUnauthorized: true,
  });
  socket.setNoDelay(true);
  return { socket, readyEvent: 'secureConnect' };
}

/** One socket's life: CONNECT, SUBSCRIBE, then batches until it closes. */
class BrokerConnection {
  /** Resolves when the broker granted the subscriptions. */
  readonly subscribed: Promise<void>;
  /** Resolves, with why, when the socket is gone. */
  readonly closed: Promise<Error>;
  ready = false;
  /** The broker took our CONNECT: the next reconnect starts the backoff over. */
  accepted = false;
  /** Messages in the batch being handled. */
  handling = 0;
  private readonly parser = packetParser(MQTT5);
  private readonly socket: Socket;
  private waiting: IPublishPacket[] = [];
  private batch: Promise<void> | null;
  private ending = false;
  private isClosed = false;
  private lastReceivedAt = Date.now();
  private keepaliveTimer: NodeJS.Timeout | undefined;
  private readonly connectTimer: NodeJS.Timeout;
  private resolveSubscribed!: () => void;
  private rejectSubscribed!: (error: Error) => void;
  private resolveClosed!: (error: Error) => void;

  constructor(
    { socket, readyEvent }: BrokerSocket,
    private readonly options: MqttBatchSubscriberOptions,
    private readonly handler: MqttBatchHandler,
    previousBatch: Promise<void>,
  ) {
    this.socket = socket;
    this.subscribed = new Promise((resolve, reject) => ((this.resolveSubscribed = resolve), (this.rejectSubscribed = reject)));
    this.subscribed.catch(() => undefined);
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    // A batch the last connection still has in hand goes to the bus before this one's, so a device's messages stay in order.
    this.batch = previousBatch.finally(() => {
      this.batch = null;
      this.handleNext();
    });
    this.connectTimer = setTimeout(() => this.close(new Error(`no CONNACK within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
    this.parser.on('packet', (packet: Packet) => this.receive(packet));
    this.parser.on('error', (error: Error) => this.close(new Error(`malformed packet from the broker: ${error.message}`)));
    socket.on(readyEvent, () => this.sendConnect());
    socket.on('data', (chunk: Buffer) => {
      this.lastReceivedAt = Date.now();
      const before = this.waiting.length;
      this.parser.parse(chunk);
      if (this.waiting.length > before) this.handleNext();
    });
    socket.on('error', (error) => this.close(error));
    socket.on('close', () => this.close(new Error('socket closed')));
  }

  get waitingCount(): number {
    return this.waiting.length;
  }

  /** Settles when no batch of this connection is being handled any more. */
  get settled(): Promise<void> {
    return (this.batch ?? Promise.resolve()).catch(() => undefined);
  }

  async end(graceMs: number): Promise<void> {
    this.ending = true;
    if (this.isClosed) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.settled, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    if (!this.isClosed) this.socket.end(generate({ cmd: 'disconnect', reasonCode: 0 }, MQTT5));
    const destroyTimer = setTimeout(() => this.socket.destroy(), 1000);
    await this.closed;
    clearTimeout(destroyTimer);
  }

  private sendConnect(): void {
    const { options } = this;
    this.socket.write(
      generate(
        {
          cmd: 'connect',
          protocolId: 'MQTT',
          protocolVersion: 5,
          clientId: options.clientId,
          clean: !options.persistentSession,
          keepalive: options.keepaliveS ?? 30,
          username: options.username,
          password: options.password === undefined ? undefined : Buffer.from(options.password),
          properties: {
            sessionExpiryInterval: options.persistentSession ? (options.sessionExpiryS ?? 3600) : 0,
            receiveMaximum: Math.min(Math.max(1, options.receiveMaximum), 65_535),
          },
        },
        MQTT5,
      ),
    );
  }

  private receive(packet: Packet): void {
    if (this.isClosed) return;
    switch (packet.cmd) {
      case 'connack':
        return this.connacked(packet);
      case 'suback':
        return this.subacked(packet);
      case 'publish':
        if (packet.qos === 2) return this.close(new Error(`QoS 2 PUBLISH on ${packet.topic}: this subscriber asks for QoS 1 at most`));
        this.waiting.push(packet);
        return;
      case 'pingresp':
        return;
      case 'disconnect':
        return this.close(
          new Error(`broker disconnected: reason ${packet.reasonCode ?? 0} ${packet.properties?.reasonString ?? ''}`.trim()),
        );
      default:
        return this.close(new Error(`unexpected ${packet.cmd} from the broker`));
    }
  }

  private connacked(packet: IConnackPacket): void {
    clearTimeout(this.connectTimer);
    const code = packet.reasonCode ?? packet.returnCode ?? 0;
    if (code !== 0) return this.close(new Error(`broker refused the connection: reason ${code}`));
    this.accepted = true;
    const keepaliveS = packet.properties?.serverKeepAlive ?? this.options.keepaliveS ?? 30;
    if (keepaliveS > 0) {
      const periodMs = keepaliveS * 1000;
      this.keepaliveTimer = setInterval(() => {
        if (Date.now() - this.lastReceivedAt > periodMs * 1.5)
          return this.close(new Error(`nothing from the broker for ${keepaliveS * 1.5} s`));
        this.socket.write(generate({ cmd: 'pingreq' }, MQTT5));
      }, periodMs / 2);
    }
    // Subscribe on every connect, even when the broker says our session is
    // present: Mosquitto 2.0 restores a persisted session without its shared
    // subscriptions, and a session without them takes nothing. Subscribing
    // again to a subscription the session has keeps what is queued for it.
    this.socket.write(
      generate({ cmd: 'subscribe', messageId: 1, subscriptions: this.options.topics.map((topic) => ({ topic, qos: 1 as const })) }, MQTT5),
    );
  }

  private subacked(packet: ISubackPacket): void {
    const refused = (packet.granted as number[]).filter((code) => code >= 0x80);
    if (refused.length) return this.close(new Error(`broker refused the subscription: reason ${refused.join(', ')}`));
    this.ready = true;
    this.resolveSubscribed();
  }

  private handleNext(): void {
    if (this.batch || this.ending || this.isClosed || this.waiting.length === 0) return;
    const packets = this.waiting;
    this.waiting = [];
    this.handling = packets.length;
    const messages = packets.map((p) => ({ topic: p.topic, payload: Buffer.isBuffer(p.payload) ? p.payload : Buffer.from(p.payload) }));
    this.batch = Promise.resolve()
      .then(() => this.handler(messages))
      .then(
        () => {
          const acks = packets.filter((p) => p.qos === 1).map((p) => generate({ cmd: 'puback', messageId: p.messageId }, MQTT5));
          if (acks.length && !this.isClosed) this.socket.write(acks.length === 1 ? acks[0] : Buffer.concat(acks));
        },
        (error: Error) => this.close(new Error(`handler failed on a batch of ${messages.length}, left for redelivery: ${error.message}`)),
      )
      .finally(() => {
        this.batch = null;
        this.handling = 0;
        this.handleNext();
      });
  }

  private close(error: Error): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.ready = false;
    clearTimeout(this.connectTimer);
    clearInterval(this.keepaliveTimer);
    this.waiting = [];
    this.socket.destroy();
    this.rejectSubscribed(error);
    this.resolveClosed(error);
  }
}
