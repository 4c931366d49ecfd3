import { Injectable } from '@nestjs/common';
import { Clock } from '@app/domain';
import { ZoneRepository } from '@app/storage';
import { KnownDevice } from './telemetry-validator';

const REFRESH_AFTER_MS = 30_000;

/** Registered devices in memory; an unknown id reloads the list at most every 30 s. */
@Injectable()
export class DeviceRegistry {
  private devices = new Map<string, KnownDevice>();
  private loadedAt = 0;

  constructor(private readonly zone: ZoneRepository) {}

  async load(now: number): Promise<void> {
    const list = await this.zone.listDevices();
    this.devices = new Map(list.map((d) => [d.id, { id: d.id, enterpriseId: d.enterpriseId, type: d.type }]));
    this.loadedAt = now;
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
