import { connectAsync, IClientOptions, MqttClient } from 'mqtt';
import { statusTopic } from '@app/contracts';
import { DeviceSeed } from '@app/domain';
import { PublishStats } from './publish-stats';

export interface LinkOptions {
  url: string;
  /** One MQTT connection per device, with its last will; otherwise `connections` shared ones. */
  connectionPerDevice: boolean;
  connections: number;
  /** Templates: {device} and {enterprise} are replaced per device (with one connection per device). */
  username?: string;
  password?: string;
  clientIdPrefix?: string;
  /**
   * Device id → MQTT secret (POST /api/devices/{id}/credentials): each device logs in as itself on a
   * connection of its own, and there is no anonymous shared connection.
   */
  credentials?: ReadonlyMap<string, string>;
}

export type OfflineMode = 'power-cut' | 'hang';

const OFFLINE = JSON.stringify({ online: false });
const DEVICE_OF_TOPIC = /^sites\/[^/]+\/devices\/([^/]+)\//;

function fill(template: string | undefined, device: DeviceSeed | null): string | undefined {
  if (template === undefined) return undefined;
  return template.replace(/\{device\}/g, device?.id ?? 'simulator').replace(/\{enterprise\}/g, device?.enterpriseId ?? 'simulator');
}

/**
 * The MQTT side of a fleet. With a connection per device, each device has its
 * own client id and last will, and a power cut drops its socket so the broker
 * publishes the will. With shared connections (what a large fleet needs) the
 * broker cannot know the devices, so the simulator publishes the will message
 * itself when a device loses power; if the simulator dies, no will is sent.
 */
export class DeviceLinks {
  private readonly shared: MqttClient[] = [];
  private readonly own = new Map<string, MqttClient>();

  constructor(
    private readonly options: LinkOptions,
    private readonly stats: PublishStats,
  ) {}

  /** Connects and announces every device online. */
  async open(devices: readonly DeviceSeed[]): Promise<void> {
    // With a connection per device, one shared connection is still there for messages no device owns (raw, wrong topics),
    // unless the devices log in: a broker that wants credentials lets no anonymous connection in.
    const sharedCount = this.options.credentials ? 0 : this.options.connectionPerDevice ? 1 : Math.max(1, this.options.connections);
    for (let i = 0; i < sharedCount; i++) {
      const client = await connectAsync(
        this.options.url,
        this.clientOptions(null, `${this.options.clientIdPrefix ?? 'simulator'}-${process.pid}-${i}`),
      );
      client.on('error', (e) => this.stats.failed(e));
      this.shared.push(client);
    }
    const batch = 200;
    for (let i = 0; i < devices.length; i += batch) await Promise.all(devices.slice(i, i + batch).map((d) => this.online(d)));
  }

  /** The device (re)connects, or comes back on a shared connection, and says it is online. */
  async online(device: DeviceSeed): Promise<void> {
    if (this.perDevice && !this.own.has(device.id)) {
      const client = await connectAsync(this.options.url, {
        ...this.clientOptions(device, device.id),
        will: { topic: statusTopic(device.enterpriseId, device.id), payload: Buffer.from(OFFLINE), qos: 1, retain: false },
      });
      client.on('error', (e) => this.stats.failed(e));
      this.own.set(device.id, client);
    }
    this.stats.online++;
    await this.publish(device.id, statusTopic(device.enterpriseId, device.id), JSON.stringify({ online: true, ts: Date.now() }), 1);
  }

  /** A power cut ends in the last will; a hung device stays connected and just stops reporting. */
  async offline(device: DeviceSeed, mode: OfflineMode): Promise<void> {
    this.stats.online--;
    if (mode === 'hang') return;
    const client = this.own.get(device.id);
    if (client) {
      this.own.delete(device.id);
      // No DISCONNECT packet: the broker sees the socket die and publishes the will.
      client.stream.destroy();
      await client.endAsync(true).catch(() => undefined);
      return;
    }
    await this.publish(null, statusTopic(device.enterpriseId, device.id), OFFLINE, 1);
  }

  /** Publishes as the device (its own connection) or on the shared connection its id hashes to. */
  async publish(deviceId: string | null, topic: string, payload: string | Buffer, qos: 0 | 1 | 2, retain = false): Promise<void> {
    this.stats.inFlight++;
    try {
      await this.clientFor(deviceId ?? topic).publishAsync(topic, payload, { qos, retain });
      this.stats.sent++;
    } catch (e) {
      this.stats.failed(e);
    } finally {
      this.stats.inFlight--;
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.shared, ...this.own.values()].map((c) => c.endAsync().catch(() => undefined)));
    this.shared.length = 0;
    this.own.clear();
  }

  private get perDevice(): boolean {
    return this.options.connectionPerDevice || this.options.credentials !== undefined;
  }

  private clientFor(key: string): MqttClient {
    const own = this.own.get(key);
    if (own) return own;
    if (this.shared.length > 0) {
      let h = 0;
      for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) >>> 0;
      return this.shared[h % this.shared.length];
    }
    // Devices with credentials have no shared connection: a message sent on behalf of nobody goes out as the device its topic names.
    const named = this.own.get(DEVICE_OF_TOPIC.exec(key)?.[1] ?? '');
    if (named) return named;
    throw new Error(
      this.options.credentials
        ? `no connection may publish ${key}: with device credentials a message goes out on its device's own connection`
        : 'no MQTT connection open',
    );
  }

  private clientOptions(device: DeviceSeed | null, clientId: string): IClientOptions {
    const secret = device ? this.options.credentials?.get(device.id) : undefined;
    if (device && this.options.credentials && secret === undefined) throw new Error(`no credentials were issued for device ${device.id}`);
    return {
      protocolVersion: 4,
      clientId,
      username: device && secret !== undefined ? device.id : fill(this.options.username, device),
      password: secret ?? fill(this.options.password, device),
      // Shared connections come back by themselves; a device's own connection is brought back by the scenario.
      reconnectPeriod: device ? 0 : 1000,
      connectTimeout: 10_000,
    };
  }
}
