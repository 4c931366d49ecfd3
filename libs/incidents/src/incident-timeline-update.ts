import { Injectable, Logger } from '@nestjs/common';
import { IncidentRecord, IncidentsRepository, TimelineChangeFn, TimelineUpdate } from '@app/storage';
import { IncidentEventDetail, IncidentEvents } from './incident-events';

/** What a use case says about a change it made. */
export interface TimelineChangeReport {
  /** The events the change makes, published with the incident as it now is. */
  events: (incident: IncidentRecord) => IncidentEventDetail[];
  /** Runs once the change is stored, before its events go out: logs and metrics of what happened, even if the bus then refuses. */
  stored?: (incident: IncidentRecord) => void;
}

/**
 * The one path every change of an incident's timeline takes: the repository locks the incident, applies
 * the pure change, saves it (and records an escalation once) in one transaction; then the events the
 * change makes go out with the incident's correlation id. Nothing is published when nothing changed.
 */
@Injectable()
export class IncidentTimelineUpdate {
  private readonly logger = new Logger(IncidentTimelineUpdate.name);

  constructor(
    private readonly incidents: IncidentsRepository,
    private readonly events: IncidentEvents,
  ) {}

  async apply(incidentId: string, at: number, change: TimelineChangeFn, report: TimelineChangeReport): Promise<TimelineUpdate> {
    const update = await this.incidents.updateTimeline(incidentId, change);
    if (update.outcome !== 'changed') return update;
    const { incident } = update;
    report.stored?.(incident);
    const details = report.events(incident);
    try {
      await this.events.publish(incident, at, incident.correlationId, details);
    } catch (e) {
      this.logger.error(
        { correlationId: incident.correlationId, incidentId },
        `incident ${incidentId}: ${details.map((d) => d.type).join(', ')} stored but not published: ${(e as Error).message}`,
      );
      throw e;
    }
    return update;
  }
}
