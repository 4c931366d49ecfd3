import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { CLOCK } from '@app/config';
import { Clock, SubstationSnapshot } from '@app/domain';
import { IncidentsRepository, ZoneRepository } from '@app/storage';
import { ZoneChanges } from '@app/transport';

/**
 * Substations with their current load. Counting open incidents is a scan, so
 * a burst of choices (an alarm storm, many deadlines at once) shares one read
 * for up to MAX_AGE_MS; a load a fraction of a second old is good enough to
 * pick the nearest free station. A register change (zone.v1: availability,
 * capacity, area) drops it at once, so the next choice reads the new state.
 */
const MAX_AGE_MS = 500;

@Injectable()
export class SubstationSnapshots implements OnApplicationBootstrap {
  private cached: { at: number; value: Promise<SubstationSnapshot[]> } | null = null;

  constructor(
    private readonly zone: ZoneRepository,
    private readonly incidents: IncidentsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly zoneChanges: ZoneChanges,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.zoneChanges.subscribe('substation-snapshots', ['substations'], () => {
      this.invalidate();
      return Promise.resolve();
    });
  }

  current(): Promise<SubstationSnapshot[]> {
    const now = this.clock.now();
    if (this.cached && now - this.cached.at < MAX_AGE_MS) return this.cached.value;
    const value = this.read();
    this.cached = { at: now, value };
    value.catch(() => (this.cached = null));
    return value;
  }

  /** After an incident was opened or resolved here, or a substation changed, the next choice must see it. */
  invalidate(): void {
    this.cached = null;
  }

  private async read(): Promise<SubstationSnapshot[]> {
    const [stations, loads] = await Promise.all([this.zone.listSubstations(), this.incidents.substationLoads()]);
    const active = new Map(loads.map((l) => [l.id, l.activeIncidents]));
    return stations.map((s) => ({
      id: s.id,
      location: s.location,
      capacity: s.capacity,
      available: s.available,
      activeIncidents: active.get(s.id) ?? 0,
    }));
  }
}
