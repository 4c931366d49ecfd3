import type { Aedes } from 'aedes';
import { createServer, Server } from 'node:net';
import { AddressInfo } from 'node:net';

export interface EmbeddedMqttBrokerOptions {
  host: string;
  /** 0 takes a free port (tests: this machine runs Mosquitto on 1883). */
  port: number;
}

/** The in-process MQTT broker (aedes) of the all-in-one process. */
export type PublishInterceptor = (topic: string, payload: Buffer) => Promise<void>;

export class EmbeddedMqttBroker {
  private aedes: Aedes | null = null;
  private server: Server | null = null;
  private interceptor: PublishInterceptor | null = null;
  // Publishes that arrive before ingest is ready wait, unacknowledged, instead of being dropped.
  private readonly waiting: Array<{ topic: string; payload: Buffer; callback: (error?: Error | null) => void }> = [];

  /**
   * Hands every device publish to `handler` inside the broker, before it is
   * acknowledged: the device gets its PUBACK only once the handler resolved
   * (the reading is on the bus), with no second MQTT hop through a client.
   */
  intercept(handler: PublishInterceptor): void {
    this.interceptor = handler;
    for (const w of this.waiting.splice(0)) this.deliver(handler, w.topic, w.payload, w.callback);
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
    const aedes = await Broker.createBroker({
      authorizePublish: (client, packet, callback) => {
        if (!client) return callback(null);
        const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
        if (this.interceptor) this.deliver(this.interceptor, packet.topic, payload, callback);
        else this.waiting.push({ topic: packet.topic, payload, callback });
      },
    });
    const server = createServer(aedes.handle);
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => {
        aedes.close();
        reject(
          error.code === 'EADDRINUSE'
            ? new Error(`MQTT_PORT ${options.port} is already in use on ${options.host} (another MQTT broker?): set MQTT_PORT to a free port, or MQTT_URL to use that broker`)
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
