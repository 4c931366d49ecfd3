import type { ClientTlsConfig } from '@app/config';
import { connect, IClientOptions, ISubscriptionMap, MqttClient } from 'mqtt';

export type MqttMessageHandler = (topic: string, payload: Buffer) => Promise<void>;

export interface MqttSubscriberOptions {
  url: string;
  clientId: string;
  topics: string[];
  username?: string;
  password?: string;
  /** Keep the session (and QoS 1 messages queued for us) across reconnects. */
  persistentSession?: boolean;
  /** How long the broker keeps a persistent session after we are gone (MQTT 5). */
  sessionExpiryS?: number;
  /** 5 for shared subscriptions on an external broker; the embedded aedes speaks 3.1.1 (4). */
  protocolVersion?: 4 | 5;
  /** For an mqtts:// url: the broker's certificate is verified (against tls.ca, else the system's CAs). */
  tls?: ClientTlsConfig;
}

/**
 * Subscribes with QoS 1 and acknowledges a message to the broker only after the
 * handler resolved (the reading is on the bus): a crash before that makes the
 * broker deliver it again rather than lose it.
 */
export class MqttSubscriber {
  private client: MqttClient | null = null;

  async start(options: MqttSubscriberOptions, handler: MqttMessageHandler): Promise<void> {
    const clientOptions: IClientOptions = {
      clientId: options.clientId,
      clean: !options.persistentSession,
      protocolVersion: options.protocolVersion ?? 4,
      // Reconnect fast: until ingest has subscribed again, a restarted Mosquitto drops what devices publish to the shared subscription.
      reconnectPeriod: 250,
      connectTimeout: 10_000,
      username: options.username,
      password: options.password,
      ...(options.tls && {
        ca: options.tls.ca,
        cert: options.tls.clientCertificate?.cert,
        key: options.tls.clientCertificate?.key,
        rejectUnauthorized: true,
      }),
      properties:
        options.persistentSession && options.protocolVersion === 5 ? { sessionExpiryInterval: options.sessionExpiryS ?? 3600 } : undefined,
    };
    const client = connect(options.url, clientOptions);
    client.handleMessage = (packet, done) => {
      const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
      handler(packet.topic, payload).then(
        () => done(),
        (error: Error) => done(error),
      );
    };
    // Subscribe on every connect, even when the broker says our session is
    // present: Mosquitto 2.0 restores a persisted session without its shared
    // subscriptions, and a session without them takes nothing. Subscribing
    // again to a subscription the session has keeps what is queued for it.
    // (mqtt.js itself skips topics it believes subscribed unless told `resubscribe`.)
    client.on('connect', () => {
      client.subscribe({
        ...Object.fromEntries(options.topics.map((t) => [t, { qos: 1 as const }])),
        resubscribe: true,
      } as ISubscriptionMap);
    });
    await new Promise<void>((resolve, reject) => {
      // A refused start (wrong CA, bad login) must not leave the client reconnecting on its own.
      const onError = (e: Error) => {
        client.end(true);
        reject(e);
      };
      client.once('connect', () => {
        client.off('error', onError);
        resolve();
      });
      client.once('error', onError);
    });
    this.client = client;
  }

  get connected(): boolean {
    return this.client?.connected === true;
  }

  /**
   * Ends the connection once the messages in hand are handled, or after
   * `graceMs` (a bus that is down would hold them for minutes): what is left
   * unacknowledged the broker delivers again to the session's next holder.
   */
  async stop(graceMs = 5000): Promise<void> {
    const client = this.client;
    this.client = null;
    if (!client) return;
    let timer: NodeJS.Timeout | undefined;
    const ended = await Promise.race([
      client.endAsync().then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
    ]);
    clearTimeout(timer);
    if (!ended) await client.endAsync(true);
  }
}
