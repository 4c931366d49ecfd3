import { Injectable } from '@nestjs/common';
import { IncidentRecord, IncidentsRepository, TimelineChangeFn, TimelineUpdate } from '@app/storage';
import { IncidentEventDetail, IncidentEvents } from './incident-events';

/**
 * The one path every change of an incident's timeline takes: the repository locks the incident, applies
 * the pure change, saves it (and records an escalation once) in one transaction; then the events the
 * change makes go out with the incident's correlation id. Nothing is published when nothing changed.
 */
@Injectable()
export class IncidentTimelineUpdate {
  constructor(
    private readonly incidents: IncidentsRepository,
    private readonly events: IncidentEvents,
  ) {}

  async apply(
    incidentId: string,
    at: number,
    change: TimelineChangeFn,
    events: (incident: IncidentRecord) => IncidentEventDetail[],
  ): Promise<TimelineUpdate> {
    const update = await this.incidents.updateTimeline(incidentId, change);
    if (update.outcome === 'changed')
      await this.events.publish(update.incident, at, update.incident.correlationId, events(update.incident));
    return update;
  }
}
