import type { Aedes } from 'aedes';
import { createServer, Server } from 'node:net';
import { AddressInfo } from 'node:net';

export interface EmbeddedMqttBrokerOptions {
  host: string;
  /** 0 takes a free port (tests: this machine runs Mosquitto on 1883). */
  port: number;
}

/** The in-process MQTT broker (aedes) of the all-in-one process. */
export class EmbeddedMqttBroker {
  private aedes: Aedes | null = null;
  private server: Server | null = null;

  async start(options: EmbeddedMqttBrokerOptions): Promise<number> {
    // aedes 1 is an ES module: loaded on demand (jest runs with vm modules for it).
    const { Aedes: Broker } = await import('aedes');
    const aedes = await Broker.createBroker();
    const server = createServer(aedes.handle);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
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
