import { Injectable } from '@nestjs/common';
import { IncidentsRepository, SubstationAvailabilityRepository, ZoneRepository } from '@app/storage';

/** Substations as the API shows them: the register's row, its availability with the reason, and its load. */
@Injectable()
export class SubstationViews {
  constructor(
    private readonly zone: ZoneRepository,
    private readonly availability: SubstationAvailabilityRepository,
    private readonly incidents: IncidentsRepository,
  ) {}

  async list() {
    const [stations, availability, loads] = await Promise.all([
      this.zone.listSubstations(),
      this.availability.list(),
      this.incidents.substationLoads(),
    ]);
    const active = new Map(loads.map((l) => [l.id, l.activeIncidents]));
    const why = new Map(availability.map((a) => [a.id, a]));
    return stations.map((s) => {
      const activeIncidents = active.get(s.id) ?? 0;
      return {
        ...s,
        availabilityReason: why.get(s.id)?.reason ?? null,
        availabilityChangedAt: why.get(s.id)?.changedAt ?? null,
        activeIncidents,
        busy: activeIncidents >= s.capacity,
      };
    });
  }

  async one(id: string) {
    return (await this.list()).find((s) => s.id === id) ?? null;
  }
}
