import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  AlarmEventV1,
  dispatchesCrew,
  Grade,
  gradeRank,
  GradeChangedV1,
  opensIncident,
  SignalClass,
  fireFirst,
  Topics,
} from '@app/contracts';
import { CLOCK, DispatchConfig, InjectConfig } from '@app/config';
import { chooseSubstation, Clock, GeoPoint, openTimeline, TimelinePolicy } from '@app/domain';
import { IncidentEvents, SubstationSnapshots } from '@app/incidents';
import { IncidentsRepository, ZoneRepository } from '@app/storage';
import { Bus, BUS, BusMessage, ZoneChanges } from '@app/transport';
import { DeadlineScheduler } from './deadline-scheduler';
import { DispatchMetrics } from './dispatch.metrics';

interface EnterprisePlace {
  location: GeoPoint;
  substationId: string;
}

/**
 * Turns orange and red alarms (and enterprise grades) into incidents: one open
 * incident per enterprise, dispatched to its area's substation or the nearest
 * available one, with the 1-3-5 policy frozen into it. A worse grade raises
 * the open incident instead of opening a second one. A fault never dispatches
 * a crew (it is the maintenance list's); fire alarms are dispatched first.
 */
@Injectable()
export class DispatchService implements OnApplicationBootstrap {
  private readonly logger = new Logger(DispatchService.name);
  private readonly places = new Map<string, EnterprisePlace>();

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(CLOCK) private readonly clock: Clock,
    @InjectConfig('dispatch') private readonly config: DispatchConfig,
    private readonly incidents: IncidentsRepository,
    private readonly zone: ZoneRepository,
    private readonly snapshots: SubstationSnapshots,
    private readonly scheduler: DeadlineScheduler,
    private readonly metrics: DispatchMetrics,
    private readonly events: IncidentEvents,
    private readonly zoneChanges: ZoneChanges,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Subscribed before the first load, so a change made while it loads is reloaded after it.
    await this.zoneChanges.subscribe('dispatch', ['enterprises'], (changed) => this.reloadPlaces(changed.enterprises ?? []));
    for (const e of await this.zone.listEnterprises()) this.places.set(e.id, { location: e.location, substationId: e.substationId });
    await this.bus.subscribe<AlarmEventV1>(Topics.alarms, 'dispatch', (batch) => this.handleAlarms(batch));
    await this.bus.subscribe<GradeChangedV1>(Topics.grades, 'dispatch', (batch) => this.handleGrades(batch));
  }

  async handleAlarms(batch: BusMessage<AlarmEventV1>[]): Promise<void> {
    const dispatching = batch
      .map(({ value }) => value)
      // A test alarm (SPEC.md, test and disable) never opens or joins an incident, nor does a fault.
      .filter((a) => a.type !== 'alarm.cleared' && !a.test && opensIncident(a.grade) && dispatchesCrew(a.class));
    dispatching.sort(fireFirst);
    for (const a of dispatching) {
      await this.openOrJoin(a.enterpriseId, a.grade, a.class ?? 'alarm', a.alarmId, `alarm:${a.alarmId}:${a.grade}`, a.correlationId);
    }
  }

  async handleGrades(batch: BusMessage<GradeChangedV1>[]): Promise<void> {
    for (const { value: g } of batch) {
      // A grade its hazards moved (an inspection, the register) is rectified, not turned out to.
      if (g.cause === 'hazards') continue;
      if (!opensIncident(g.to) || gradeRank(g.to) <= gradeRank(g.from)) continue;
      await this.openOrJoin(g.enterpriseId, g.to, null, null, `grade:${g.enterpriseId}:${g.at}:${g.to}`, g.correlationId);
    }
  }

  /** An enterprise moved or changed its area's substation: the next incident there is placed by what is stored now. */
  private async reloadPlaces(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      const e = await this.zone.getEnterprise(id);
      if (e) this.places.set(id, { location: e.location, substationId: e.substationId });
      else this.places.delete(id);
    }
  }

  /** The policy frozen into each incident it opens. */
  private policy(): TimelinePolicy {
    return { ...this.config.timeline };
  }

  private async openOrJoin(
    enterpriseId: string,
    grade: Grade,
    signalClass: SignalClass | null,
    alarmId: string | null,
    openedByKey: string,
    correlationId: string,
  ): Promise<void> {
    const place = this.places.get(enterpriseId) ?? (await this.zone.getEnterprise(enterpriseId));
    if (!place) {
      this.logger.warn(`no incident for unknown enterprise ${enterpriseId}`);
      return;
    }
    const choice = chooseSubstation(place, await this.snapshots.current(), signalClass);
    const now = this.clock.now();
    const result = await this.incidents.openOrJoin({
      id: randomUUID(),
      enterpriseId,
      grade,
      signalClass,
      assignmentReason: choice.reason,
      openedByKey,
      alarmId,
      correlationId,
      timeline: openTimeline(now, this.policy(), choice.substationId),
    });
    if (!result.created) this.metrics.alarmsJoined.inc();
    if (!result.created && !result.regraded) return;
    const { incident } = result;
    if (result.created) {
      this.snapshots.invalidate();
      this.metrics.incidentsOpened.inc({ grade });
      this.logger.log(
        { correlationId, incidentId: incident.id, enterpriseId },
        `incident ${incident.id} (${grade}) for ${enterpriseId} dispatched to ${incident.timeline.substationId} (${choice.reason})`,
      );
      this.scheduler.track(incident);
    }
    await this.events.publish(incident, now, correlationId, [{ type: result.created ? 'incident.opened' : 'incident.graded' }]);
  }
}
