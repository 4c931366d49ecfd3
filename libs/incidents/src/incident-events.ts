import { Inject, Injectable } from '@nestjs/common';
import { IncidentEventV2, Topics } from '@app/contracts';
import type { IncidentRecord } from '@app/storage';
import { Bus, BUS } from '@app/transport';
import { incidentSnapshot } from './incident-snapshot';

/** What tells one incident event from another; the rest comes from the incident. */
export type IncidentEventDetail = Pick<IncidentEventV2, 'type' | 'milestone' | 'backupSubstationId' | 'lateByMs' | 'renotification'>;

/** Publishes incident events, keyed by incident id, each carrying the incident as it now is and the correlation id. */
@Injectable()
export class IncidentEvents {
  constructor(@Inject(BUS) private readonly bus: Bus) {}

  async publish(incident: IncidentRecord, at: number, correlationId: string, details: IncidentEventDetail[]): Promise<void> {
    const snapshot = incidentSnapshot(incident);
    const events = details.map(({ type, ...detail }): IncidentEventV2 => ({
      v: 2,
      type,
      incidentId: incident.id,
      enterpriseId: incident.enterpriseId,
      substationId: snapshot.substationId,
      ...detail,
      incident: snapshot,
      at,
      correlationId,
    }));
    await this.bus.publish(
      Topics.incidents,
      events.map((e) => ({ key: incident.id, value: e, headers: { correlationId } })),
    );
  }
}
