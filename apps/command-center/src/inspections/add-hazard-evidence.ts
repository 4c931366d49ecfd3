import { Inject, Injectable } from '@nestjs/common';
import { CLOCK } from '@app/config';
import { checkEvidence, type Clock } from '@app/domain';
import { InspectionsRepository, type EvidenceRecord } from '@app/storage';
import { decodeEvidence, type EvidenceInput, type HazardCommand } from './hazard-command';

/** Evidence added to a hazard apart from a transition (a photo sent later); its state and grade stay. */
@Injectable()
export class AddHazardEvidence {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly inspections: InspectionsRepository,
  ) {}

  async execute(command: HazardCommand & { hazardId: string; evidence: readonly EvidenceInput[] }): Promise<EvidenceRecord[] | null> {
    const files = checkEvidence(decodeEvidence(command.evidence));
    return this.inspections.addEvidence(command.hazardId, files, this.clock.now(), command.actor);
  }
}
