import { Inject, Injectable, Logger } from '@nestjs/common';
import { GradeChangedV1, Topics } from '@app/contracts';
import type { GradeChange } from '@app/storage';
import { Bus, BUS } from '@app/transport';

/**
 * Announces the grade an inspection, a rectification or a re-inspection moved, with cause 'hazards': dispatch
 * opens no incident for a hazard being dealt with by rectification. The grade is already stored with the write
 * that moved it, so a notice that cannot go out is logged, not thrown (the next regrade or a reload shows it).
 */
@Injectable()
export class HazardGradePublisher {
  private readonly logger = new Logger(HazardGradePublisher.name);

  constructor(@Inject(BUS) private readonly bus: Bus) {}

  async publish(change: GradeChange): Promise<void> {
    if (!change) return;
    const value: GradeChangedV1 = {
      v: 1,
      type: 'grade.changed',
      enterpriseId: change.enterpriseId,
      from: change.from,
      to: change.to,
      reasons: change.reasons,
      at: change.at.getTime(),
      correlationId: change.correlationId,
      cause: 'hazards',
    };
    try {
      await this.bus.publish(Topics.grades, [{ key: change.enterpriseId, value, headers: { correlationId: change.correlationId } }], {
        durable: true,
      });
    } catch (error) {
      this.logger.error({ correlationId: change.correlationId }, `grade change not announced: ${(error as Error).message}`);
    }
  }
}
