import { Inject, Injectable } from '@nestjs/common';
import { CLOCK } from '@app/config';
import { checkEvidence, rectifyHazard, type Clock } from '@app/domain';
import { InspectionsRepository } from '@app/storage';
import { changeHazard, type HazardChangeOutcome } from './change-hazard';
import { decodeEvidence, type EvidenceInput, type HazardCommand } from './hazard-command';
import { HazardGradePublisher } from './hazard-grade.publisher';

/** The enterprise says it has rectified the hazard, with a note and evidence; it awaits the re-inspection. */
@Injectable()
export class RectifyHazard {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly inspections: InspectionsRepository,
    private readonly grades: HazardGradePublisher,
  ) {}

  execute(command: HazardCommand & { hazardId: string; note: string; evidence: readonly EvidenceInput[] }): Promise<HazardChangeOutcome> {
    const evidence = checkEvidence(decodeEvidence(command.evidence));
    return changeHazard(this.inspections, this.grades, command, this.clock.now(), rectifyHazard, evidence);
  }
}
