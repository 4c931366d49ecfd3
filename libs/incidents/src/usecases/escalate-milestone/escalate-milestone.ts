import { Inject, Injectable, Logger } from '@nestjs/common';
import type { MilestoneName } from '@app/contracts';
import { CLOCK } from '@app/config';
import { chooseBackup, Clock, dueEscalations, escalate, GeoPoint, SubstationSnapshot } from '@app/domain';
import { IncidentRecord, IncidentsRepository, TimelineChangeFn } from '@app/storage';
import { IncidentChangeMetrics } from '../../incident-change-metrics';
import { IncidentTimelineUpdate } from '../../incident-timeline-update';
import { SubstationSnapshots } from '../../substation-snapshots';

export interface EscalateMilestoneCommand {
  incidentId: string;
  milestone: MilestoneName;
}

export interface MilestoneEscalated {
  incident: IncidentRecord;
  backupSubstationId: string | null;
  lateByMs: number;
}

/**
 * Escalates a missed milestone: if it is still unmet under the row lock, the nearest available other
 * substation is dispatched as backup, the incident's level goes up and the escalation is recorded once
 * (its primary key), then the command center is told. Null when this call did not escalate it.
 */
@Injectable()
export class EscalateMilestone {
  private readonly logger = new Logger(EscalateMilestone.name);

  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly incidents: IncidentsRepository,
    private readonly snapshots: SubstationSnapshots,
    private readonly timeline: IncidentTimelineUpdate,
    private readonly metrics: IncidentChangeMetrics,
  ) {}

  async execute({ incidentId, milestone }: EscalateMilestoneCommand): Promise<MilestoneEscalated | null> {
    const now = this.clock.now();
    // What choosing a backup needs is read first, so the change under the lock stays a pure function.
    // One read for where it is, the substations' loads (a counter, shared across a burst), then one transaction.
    const [open, stations] = await Promise.all([this.incidents.openIncidentLocation(incidentId), this.snapshots.current()]);
    if (!open) return null;
    const change = escalation(milestone, now, open.location, stations);
    const update = await this.timeline.apply(incidentId, now, change, {
      stored: (incident) => {
        const { backupSubstationId, lateByMs } = recordedEscalation(incident, milestone);
        this.metrics.escalations.inc({ milestone });
        this.metrics.escalationLateness.observe(lateByMs / 1000);
        const late = lateByMs > 1000 ? ` (fired ${lateByMs} ms late)` : '';
        this.logger.warn(
          { correlationId: incident.correlationId, incidentId, milestone, lateByMs },
          `incident ${incidentId} missed ${milestone}; backup ${backupSubstationId ?? 'none'} dispatched${late}`,
        );
      },
      events: (incident) => {
        const { backupSubstationId, lateByMs } = recordedEscalation(incident, milestone);
        return [{ type: 'incident.escalation', milestone, backupSubstationId, lateByMs }];
      },
    });
    if (update.outcome !== 'changed') return null;
    const { incident } = update;
    const { backupSubstationId, lateByMs } = recordedEscalation(incident, milestone);
    return { incident, backupSubstationId, lateByMs };
  }
}

function escalation(milestone: MilestoneName, now: number, location: GeoPoint | null, stations: SubstationSnapshot[]): TimelineChangeFn {
  return (current) => {
    if (!dueEscalations(current, now).includes(milestone)) return null;
    const exclude = [current.substationId, ...current.backupSubstationIds];
    const backupSubstationId = (location && chooseBackup({ location }, stations, exclude)?.substationId) ?? null;
    const state = escalate(current, milestone, now, backupSubstationId);
    const dueAt = state.milestones.find((m) => m.name === milestone)!.dueAt;
    return { state, escalation: { milestone, at: now, dueAt, backupSubstationId, lateByMs: Math.max(0, now - dueAt) } };
  };
}

function recordedEscalation(incident: IncidentRecord, milestone: MilestoneName) {
  const recorded = incident.escalations.find((e) => e.milestone === milestone);
  if (!recorded) throw new Error(`incident ${incident.id}: escalation of ${milestone} saved but not recorded`);
  return recorded;
}
