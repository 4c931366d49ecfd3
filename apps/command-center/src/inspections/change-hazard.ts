import { gradeEnterprise, type HazardChange, type HazardState } from '@app/domain';
import type { EvidenceFile, HazardRecord, InspectionsRepository } from '@app/storage';
import type { HazardCommand } from './hazard-command';
import type { HazardGradePublisher } from './hazard-grade.publisher';

/** missing: no such hazard. A transition the lifecycle refuses is thrown as its HazardError. */
export type HazardChangeOutcome = { outcome: 'changed'; hazard: HazardRecord } | { outcome: 'missing' };

/** Stores a lifecycle transition with its note and evidence, regrading the enterprise, and announces the grade it moved. */
export async function changeHazard(
  inspections: InspectionsRepository,
  grades: HazardGradePublisher,
  command: HazardCommand & { hazardId: string; note: string | null },
  at: number,
  decide: (state: HazardState) => HazardChange,
  evidence: readonly EvidenceFile[],
): Promise<HazardChangeOutcome> {
  const changed = await inspections.changeState(
    { hazardId: command.hazardId, at, actor: command.actor, note: command.note, decide, evidence },
    gradeEnterprise,
    command.correlationId,
  );
  if (!changed) return { outcome: 'missing' };
  await grades.publish(changed.gradeChange);
  return { outcome: 'changed', hazard: changed.hazard };
}
