import { Inject, Injectable } from '@nestjs/common';
import { AlarmEventV1, GradeChangedV1, fireFirst, Topics } from '@app/contracts';
import { CLOCK } from '@app/config';
import { Clock, gradeEnterprise } from '@app/domain';
import { GradeChangesRepository } from '@app/storage';
import { Bus, BUS } from '@app/transport';

/**
 * Announces stored alarm transitions: regrades every enterprise they touch
 * (under its row lock, so concurrent processes agree on the previous grade)
 * and publishes the alarm events, then the grade changes. The previous grade
 * is always the stored one, so a finding is compared against the
 * standing-hazard grade an enterprise got at seed or at baseline.
 */
@Injectable()
export class FindingsPublisher {
  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly gradeChanges: GradeChangesRepository,
  ) {}

  async publish(alarmEvents: readonly AlarmEventV1[]): Promise<void> {
    if (alarmEvents.length === 0) return;
    const touched = new Map<string, string>();
    for (const e of alarmEvents) if (!touched.has(e.enterpriseId)) touched.set(e.enterpriseId, e.correlationId);
    const gradeEvents = await this.regrade(touched, 'finding');
    // Fire first to every consumer.
    const ordered = [...alarmEvents].sort(fireFirst);
    await this.bus.publish(
      Topics.alarms,
      ordered.map((e) => ({ key: e.enterpriseId, value: e, headers: { correlationId: e.correlationId } })),
      { durable: true },
    );
    await this.publishGrades(gradeEvents);
  }

  /**
   * Regrades enterprises whose standing hazards changed and announces the
   * grades that moved, with cause 'hazards': a register entry is a known
   * condition, so dispatch opens no incident for it.
   */
  async hazardsChanged(enterpriseIds: readonly string[], correlationId: string): Promise<GradeChangedV1[]> {
    const events = await this.regrade(new Map(enterpriseIds.map((id) => [id, correlationId])), 'hazards');
    await this.publishGrades(events);
    return events;
  }

  /**
   * Gives every enterprise still without a grade its baseline, once, without
   * an event: it is the grade the enterprise had all along (seeding now stores
   * it; only a database from before that lacks it), not a new danger, so no
   * incident must come of it. Returns how many it graded.
   */
  async gradeUngraded(): Promise<number> {
    return this.gradeChanges.gradeUngraded(gradeEnterprise, this.clock.now());
  }

  private async regrade(touched: ReadonlyMap<string, string>, cause: GradeChangedV1['cause']): Promise<GradeChangedV1[]> {
    const gradeEvents: GradeChangedV1[] = [];
    for (const [enterpriseId, correlationId] of touched) {
      const change = await this.gradeChanges.regrade(enterpriseId, gradeEnterprise, this.clock.now(), correlationId);
      if (change) {
        gradeEvents.push({
          v: 1,
          type: 'grade.changed',
          enterpriseId,
          from: change.from,
          to: change.to,
          reasons: change.reasons,
          at: change.at.getTime(),
          correlationId,
          cause,
        });
      }
    }
    return gradeEvents;
  }

  private async publishGrades(gradeEvents: readonly GradeChangedV1[]): Promise<void> {
    await this.bus.publish(
      Topics.grades,
      gradeEvents.map((e) => ({ key: e.enterpriseId, value: e, headers: { correlationId: e.correlationId } })),
      { durable: true },
    );
  }
}
