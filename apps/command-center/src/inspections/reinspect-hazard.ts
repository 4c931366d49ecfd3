import { Inject, Injectable } from '@nestjs/common';
import { CLOCK } from '@app/config';
import { checkEvidence, RECTIFICATION_POLICY, reinspectHazard, type Clock } from '@app/domain';
import { InspectionsRepository } from '@app/storage';
import { changeHazard, type HazardChangeOutcome } from './change-hazard';
import { decodeEvidence, type EvidenceInput, type HazardCommand } from './hazard-command';
import { HazardGradePublisher } from './hazard-grade.publisher';

/** The re-inspection (回头看) of a rectified hazard: passed verifies it, failed reopens it with a new deadline. */
@Injectable()
export class ReinspectHazard {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly inspections: InspectionsRepository,
    private readonly grades: HazardGradePublisher,
  ) {}

  execute(
    command: HazardCommand & { hazardId: string; passed: boolean; note: string | null; evidence: readonly EvidenceInput[] },
  ): Promise<HazardChangeOutcome> {
    const evidence = checkEvidence(decodeEvidence(command.evidence));
    const at = this.clock.now();
    return changeHazard(
      this.inspections,
      this.grades,
      command,
      at,
      (state) => reinspectHazard(RECTIFICATION_POLICY, state, command.passed, at),
      evidence,
    );
  }
}
