import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { CLOCK } from '@app/config';
import { Clock } from '@app/domain';
import { ZoneRepository } from '@app/storage';
import { ZoneChanges } from '@app/transport';
import { KnownDevice } from './telemetry-validator';

const REFRESH_AFTER_MS = 30_000;

/**
 * Registered devices in memory, retired ones with their status. A register change (zone.v1: a device, or an
 * enterprise retired with its devices) reloads the list at once, so a device registered
 * now can publish now; besides, an unknown id reloads it at most every 30 s, in case a notice was missed.
 */
@Injectable()
export class DeviceRegistry implements OnApplicationBootstrap {
  private devices = new Map<string, KnownDevice>();
  private loadedAt = 0;
  private readonly retiredListeners = new Set<(deviceId: string) => void>();

  constructor(
    private readonly zone: ZoneRepository,
    private readonly zoneChanges: ZoneChanges,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.zoneChanges.subscribe('ingest-devices', ['devices', 'enterprises'], () => this.load(this.clock.now()));
  }

  async load(now: number): Promise<void> {
    const list = await this.zone.listDevices();
    const before = this.devices;
    this.devices = new Map(
      list.map((d) => [
        d.id,
        { id: d.id, enterpriseId: d.enterpriseId, type: d.type, reportIntervalS: d.reportIntervalS, status: d.status },
      ]),
    );
    this.loadedAt = now;
    for (const device of this.devices.values())
      if (device.status === 'retired' && before.get(device.id)?.status === 'active')
        for (const listener of this.retiredListeners) listener(device.id);
  }

  /** Told of each device that was active and is retired now (itself, or its enterprise): a connection it holds is to end. */
  onRetired(listener: (deviceId: string) => void): () => void {
    this.retiredListeners.add(listener);
    return () => this.retiredListeners.delete(listener);
  }

  find(id: string): KnownDevice | undefined {
    return this.devices.get(id);
  }

  async findOrReload(id: string, clock: Clock): Promise<KnownDevice | undefined> {
    const known = this.devices.get(id);
    if (known || clock.now() - this.loadedAt < REFRESH_AFTER_MS) return known;
    await this.load(clock.now());
    return this.devices.get(id);
  }

  get size(): number {
    return this.devices.size;
  }
}
