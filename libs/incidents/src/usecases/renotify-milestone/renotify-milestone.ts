import { Inject, Injectable, Logger } from '@nestjs/common';
import type { MilestoneName } from '@app/contracts';
import { CLOCK } from '@app/config';
import { Clock, dueRenotifications, renotify } from '@app/domain';
import type { IncidentRecord } from '@app/storage';
import { IncidentChangeMetrics } from '../../incident-change-metrics';
import { IncidentTimelineUpdate } from '../../incident-timeline-update';

export interface RenotifyMilestoneCommand {
  incidentId: string;
  milestone: MilestoneName;
}

export interface MilestoneRenotified {
  incident: IncidentRecord;
  /** Which re-notification this was: 1, 2, ... */
  renotification: number;
}

/** Tells the command center and the substations again that an escalated milestone is still unmet. Null when none was due. */
@Injectable()
export class RenotifyMilestone {
  private readonly logger = new Logger(RenotifyMilestone.name);

  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly timeline: IncidentTimelineUpdate,
    private readonly metrics: IncidentChangeMetrics,
  ) {}

  async execute({ incidentId, milestone }: RenotifyMilestoneCommand): Promise<MilestoneRenotified | null> {
    const now = this.clock.now();
    const update = await this.timeline.apply(
      incidentId,
      now,
      (current) => (dueRenotifications(current, now).includes(milestone) ? { state: renotify(current, milestone, now) } : null),
      {
        stored: (incident) => {
          this.metrics.renotifications.inc({ milestone });
          this.logger.warn(
            { correlationId: incident.correlationId, incidentId, milestone },
            `incident ${incidentId} still has not reached ${milestone}: re-notification ${renotifications(incident, milestone)}`,
          );
        },
        events: (incident) => [{ type: 'incident.renotify', milestone, renotification: renotifications(incident, milestone) }],
      },
    );
    if (update.outcome !== 'changed') return null;
    const { incident } = update;
    return { incident, renotification: renotifications(incident, milestone) };
  }
}

function renotifications(incident: IncidentRecord, milestone: MilestoneName): number {
  return incident.timeline.milestones.find((m) => m.name === milestone)?.renotifications ?? 0;
}
