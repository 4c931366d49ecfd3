import { Injectable } from '@nestjs/common';
import { SubstationSnapshot } from '@app/domain';
import { IncidentsRepository, ZoneRepository } from '@app/storage';

/** Substations with their current load, read fresh for every choice. */
@Injectable()
export class SubstationSnapshots {
  constructor(
    private readonly zone: ZoneRepository,
    private readonly incidents: IncidentsRepository,
  ) {}

  async current(): Promise<SubstationSnapshot[]> {
    const [stations, loads] = await Promise.all([this.zone.listSubstations(), this.incidents.substationLoads()]);
    const active = new Map(loads.map((l) => [l.id, l.activeIncidents]));
    return stations.map((s) => ({ id: s.id, location: s.location, capacity: s.capacity, available: s.available, activeIncidents: active.get(s.id) ?? 0 }));
  }
}
