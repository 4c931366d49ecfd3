import { connect, Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { generate, parser, Packet } from 'mqtt-packet';

export interface LoadTarget {
  topic: string;
  payload: (seq: number, now: number) => string;
}

export interface LoadOptions {
  url: string;
  connections: number;
  /** QoS 1 messages in flight per connection. */
  window: number;
  protocolVersion?: 4 | 5;
  /** For an mqtts:// url: the CA (PEM) the broker's certificate is checked against. */
  ca?: string;
}

interface LoadMessage {
  topic: string;
  payload: string;
}

const LATER = Symbol('later');

/**
 * A paced load writes what fell due every few milliseconds: a fleet's messages
 * arrive spread out, and a timer per message would cost more than the broker.
 */
const PACE_TICK_MS = 5;

/** PUBLISH QoS 1 packets are written a tick's worth at a time: one socket write for many messages. */
const WRITE_CHUNK = 256;

/**
 * One MQTT connection that keeps `window` QoS 1 publishes unacknowledged and
 * writes them in chunks. Packets come from mqtt-packet; there is no client
 * library's per-message promise, timer and store, so the load costs the
 * machine a few microseconds a message and the broker, not the load, is what
 * a benchmark measures (mqtt.js topped out near 25k messages/s on its thread).
 */
class LoadConnection {
  private socket!: Socket;
  private nextId = 0;
  private inFlight = 0;
  private wake: (() => void) | null = null;
  private failed: Error | null = null;
  private failedNow!: () => void;
  /** Resolves when the connection failed: every wait races it, so a broken connection ends the run instead of hanging it. */
  private readonly failure = new Promise<void>((resolve) => (this.failedNow = resolve));
  private readonly encoding: { protocolVersion: 4 | 5 };

  constructor(
    private readonly url: URL,
    private readonly clientId: string,
    private readonly protocolVersion: 4 | 5,
    private readonly ca?: string,
  ) {
    this.encoding = { protocolVersion };
  }

  async open(): Promise<void> {
    const host = this.url.hostname;
    // Writes before the TLS handshake has finished are held by the TLS socket until it has.
    const socket: Socket =
      this.url.protocol === 'mqtts:'
        ? connectTls({ host, port: Number(this.url.port || 8883), ca: this.ca }).setNoDelay(true)
        : connect({ host, port: Number(this.url.port || 1883), noDelay: true });
    this.socket = socket;
    const incoming = parser({ protocolVersion: this.protocolVersion });
    let connected!: () => void;
    const connack = new Promise<void>((resolve) => (connected = resolve));
    incoming.on('packet', (packet: Packet) => {
      if (packet.cmd === 'puback') {
        this.inFlight--;
        this.release();
      } else if (packet.cmd === 'connack') {
        const code = packet.returnCode ?? packet.reasonCode ?? 0;
        if (code === 0) connected();
        else this.fail(new Error(`broker refused the connection (${code})`));
      }
    });
    incoming.on('error', (e: Error) => this.fail(e));
    socket.on('data', (chunk: Buffer) => incoming.parse(chunk));
    socket.on('error', (e: Error) => this.fail(e));
    socket.on('close', () => this.fail(new Error('connection closed by the broker')));
    socket.once('connect', () =>
      socket.write(
        generate(
          {
            cmd: 'connect',
            protocolId: 'MQTT',
            protocolVersion: this.protocolVersion,
            clientId: this.clientId,
            clean: true,
            keepalive: 60,
          },
          this.encoding,
        ),
      ),
    );
    await Promise.race([connack, this.failure]);
    if (this.failed) throw this.failed;
  }

  /**
   * Publishes what `take()` gives, at most `window` unacknowledged; `LATER`
   * means nothing is due yet (a paced load), null that there is no more.
   * Resolves when everything sent is acknowledged.
   */
  async run(window: number, take: () => LoadMessage | typeof LATER | null): Promise<void> {
    for (let done = false; !done;) {
      if (this.failed) throw this.failed;
      const room = Math.min(window - this.inFlight, WRITE_CHUNK);
      if (room <= 0) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      const packets: Buffer[] = [];
      let later = false;
      for (let i = 0; i < room && !later && !done; i++) {
        const m = take();
        if (m === null) done = true;
        else if (m === LATER) later = true;
        else {
          this.nextId = (this.nextId % 65535) + 1;
          packets.push(
            generate(
              { cmd: 'publish', topic: m.topic, payload: m.payload, qos: 1, messageId: this.nextId, retain: false, dup: false },
              this.encoding,
            ),
          );
        }
      }
      if (packets.length > 0) {
        this.inFlight += packets.length;
        if (!this.socket.write(packets.length === 1 ? packets[0] : Buffer.concat(packets))) {
          await Promise.race([new Promise((r) => this.socket.once('drain', r)), this.failure]);
        }
      }
      // Let acknowledgements in before the next chunk; a paced load waits for its next message to be due.
      if (!done) await new Promise<void>((resolve) => (later ? setTimeout(resolve, PACE_TICK_MS) : setImmediate(resolve)));
    }
    while (this.inFlight > 0) {
      if (this.failed) throw this.failed;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  async close(): Promise<void> {
    if (this.socket.destroyed) return;
    await new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end(generate({ cmd: 'disconnect' }, this.encoding));
    });
  }

  private release(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private fail(e: Error): void {
    this.failed ??= e;
    this.failedNow();
    this.release();
  }
}

/** Publishes QoS 1 messages from several connections as fast as the broker acknowledges them, or at a set rate. */
export class LoadPublisher {
  private connections: LoadConnection[] = [];

  constructor(private readonly options: LoadOptions) {}

  async connect(): Promise<void> {
    const url = new URL(this.options.url);
    this.connections = Array.from(
      { length: this.options.connections },
      (_, i) => new LoadConnection(url, `bench-${process.pid}-${i}`, this.options.protocolVersion ?? 4, this.options.ca),
    );
    await Promise.all(this.connections.map((c) => c.open()));
  }

  /** Sends `count` messages round-robin over the targets (at `ratePerS` if given); resolves when all are acknowledged by the broker. */
  async send(count: number, targets: LoadTarget[], ratePerS?: number): Promise<void> {
    let next = 0;
    const started = Date.now();
    const take = (): LoadMessage | typeof LATER | null => {
      if (next >= count) return null;
      const seq = next;
      if (ratePerS && started + (seq * 1000) / ratePerS > Date.now()) return LATER;
      next++;
      const target = targets[seq % targets.length];
      return { topic: target.topic, payload: target.payload(seq, Date.now()) };
    };
    await Promise.all(this.connections.map((c) => c.run(this.options.window, take)));
  }

  async close(): Promise<void> {
    await Promise.all(this.connections.map((c) => c.close()));
  }
}
