import { Inject, Injectable } from '@nestjs/common';
import { AlarmEventV1, GradeChangedV1, Topics } from '@app/contracts';
import { CLOCK } from '@app/config';
import { Clock, gradeEnterprise } from '@app/domain';
import { GradeChangesRepository } from '@app/storage';
import { Bus, BUS } from '@app/transport';

/**
 * Announces stored alarm transitions: regrades every enterprise they touch
 * (under its row lock, so concurrent processes agree on the previous grade)
 * and publishes the alarm events, then the grade changes.
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
        });
      }
    }
    await this.bus.publish(
      Topics.alarms,
      alarmEvents.map((e) => ({ key: e.enterpriseId, value: e, headers: { correlationId: e.correlationId } })),
      { durable: true },
    );
    await this.bus.publish(
      Topics.grades,
      gradeEvents.map((e) => ({ key: e.enterpriseId, value: e, headers: { correlationId: e.correlationId } })),
      { durable: true },
    );
  }
}
