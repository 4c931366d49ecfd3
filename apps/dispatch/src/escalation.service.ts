import { Inject, Injectable, Logger } from '@nestjs/common';
import { IncidentEventV1, MilestoneName, Topics } from '@app/contracts';
import { CLOCK } from '@app/config';
import { chooseBackup, Clock, dueEscalations, dueRenotifications, escalate, renotify } from '@app/domain';
import { IncidentsRepository, ZoneRepository } from '@app/storage';
import { Bus, BUS } from '@app/transport';
import { DispatchMetrics } from './dispatch.metrics';
import { SubstationSnapshots } from './substation-snapshots';

/**
 * Escalates a missed milestone: under a row lock it checks the milestone is
 * still unmet, dispatches the nearest available other substation as backup,
 * raises the incident's level and records the escalation once (its primary
 * key), then tells the command center.
 */
@Injectable()
export class EscalationService {
  private readonly logger = new Logger(EscalationService.name);

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly incidents: IncidentsRepository,
    private readonly zone: ZoneRepository,
    private readonly snapshots: SubstationSnapshots,
    private readonly metrics: DispatchMetrics,
  ) {}

  /** Returns true when this call escalated the milestone. */
  async escalate(incidentId: string, milestone: MilestoneName): Promise<boolean> {
    const now = this.clock.now();
    const view = await this.incidents.view(incidentId);
    if (!view || view.status === 'resolved') return false;
    const enterprise = await this.zone.getEnterprise(view.enterpriseId);
    const stations = await this.snapshots.current();
    const outcome = await this.incidents.transaction(async (tx) => {
      const locked = await this.incidents.lock(tx, incidentId);
      if (!locked || !dueEscalations(locked.state, now).includes(milestone)) return null;
      const exclude = [locked.state.substationId, ...locked.state.backupSubstationIds];
      const backup = enterprise ? chooseBackup({ location: enterprise.location }, stations, exclude) : null;
      const next = escalate(locked.state, milestone, now, backup?.substationId ?? null);
      const dueAt = next.milestones.find((m) => m.name === milestone)!.dueAt;
      const lateByMs = Math.max(0, now - dueAt);
      const recorded = await this.incidents.recordEscalation(tx, {
        incidentId,
        milestone,
        at: now,
        dueAt,
        backupSubstationId: backup?.substationId ?? null,
        lateByMs,
      });
      if (!recorded) return null;
      await this.incidents.save(tx, incidentId, next);
      return { backupSubstationId: backup?.substationId ?? null, lateByMs, correlationId: locked.correlationId };
    });
    if (!outcome) return false;
    const incident = (await this.incidents.view(incidentId))!;
    this.metrics.escalations.inc({ milestone });
    this.metrics.escalationLateness.observe(outcome.lateByMs / 1000);
    const late = outcome.lateByMs > 1000 ? ` (fired ${outcome.lateByMs} ms late)` : '';
    this.logger.warn(
      { correlationId: outcome.correlationId, incidentId, milestone, lateByMs: outcome.lateByMs },
      `incident ${incidentId} missed ${milestone}; backup ${outcome.backupSubstationId ?? 'none'} dispatched${late}`,
    );
    const event: IncidentEventV1 = {
      v: 1,
      type: 'incident.escalation',
      incidentId,
      enterpriseId: incident.enterpriseId,
      substationId: incident.substationId,
      milestone,
      backupSubstationId: outcome.backupSubstationId,
      lateByMs: outcome.lateByMs,
      incident,
      at: now,
      correlationId: outcome.correlationId,
    };
    await this.bus.publish(Topics.incidents, [{ key: incidentId, value: event, headers: { correlationId: event.correlationId } }]);
    return true;
  }

  /** Tells the command center and the substations again that an escalated milestone is still unmet. */
  async renotify(incidentId: string, milestone: MilestoneName): Promise<boolean> {
    const now = this.clock.now();
    const outcome = await this.incidents.transaction(async (tx) => {
      const locked = await this.incidents.lock(tx, incidentId);
      if (!locked || !dueRenotifications(locked.state, now).includes(milestone)) return null;
      const next = renotify(locked.state, milestone, now);
      await this.incidents.save(tx, incidentId, next);
      return { count: next.milestones.find((m) => m.name === milestone)!.renotifications ?? 0, correlationId: locked.correlationId };
    });
    if (!outcome) return false;
    const incident = (await this.incidents.view(incidentId))!;
    this.metrics.renotifications.inc({ milestone });
    this.logger.warn(
      { correlationId: outcome.correlationId, incidentId, milestone },
      `incident ${incidentId} still has not reached ${milestone}: re-notification ${outcome.count}`,
    );
    const event: IncidentEventV1 = {
      v: 1,
      type: 'incident.renotify',
      incidentId,
      enterpriseId: incident.enterpriseId,
      substationId: incident.substationId,
      milestone,
      renotification: outcome.count,
      incident,
      at: now,
      correlationId: outcome.correlationId,
    };
    await this.bus.publish(Topics.incidents, [{ key: incidentId, value: event, headers: { correlationId: event.correlationId } }]);
    return true;
  }
}
