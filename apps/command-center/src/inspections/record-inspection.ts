import { Inject, Injectable } from '@nestjs/common';
import type { Grade } from '@app/contracts';
import { CLOCK } from '@app/config';
import {
  checkEvidence,
  findingSeverity,
  gradeEnterprise,
  HAZARD_CATALOGUE,
  openHazard,
  RECTIFICATION_POLICY,
  type Clock,
} from '@app/domain';
import { CampaignsRepository, InspectionsRepository, type EvidenceFile, type HazardRecord, type InspectionRecord } from '@app/storage';
import { decodeEvidence, type EvidenceInput, type HazardCommand } from './hazard-command';
import { HazardGradePublisher } from './hazard-grade.publisher';

export interface RecordInspectionCommand extends HazardCommand {
  enterpriseId: string;
  at: Date | undefined;
  note: string;
  campaignId: string | null;
  findings: ReadonlyArray<{ kind: string; severity?: Grade; note?: string; evidence?: readonly EvidenceInput[] }>;
}

export type RecordInspectionOutcome =
  | { outcome: 'recorded'; inspection: InspectionRecord; hazards: HazardRecord[] }
  | { outcome: 'unknown-kind'; index: number; kind: string }
  | { outcome: 'unknown-enterprise' }
  | { outcome: 'unknown-campaign' }
  | { outcome: 'not-in-campaign' }
  | { outcome: 'in-the-future' };

/** An inspector's phone may run a little ahead of the server; more than this is a mistake. */
const CLOCK_SKEW_MS = 5 * 60_000;

/** An inspector's visit: each finding opens a hazard with its deadline, and the enterprise is regraded with them. */
@Injectable()
export class RecordInspection {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly inspections: InspectionsRepository,
    private readonly campaigns: CampaignsRepository,
    private readonly grades: HazardGradePublisher,
  ) {}

  async execute(command: RecordInspectionCommand): Promise<RecordInspectionOutcome> {
    const now = this.clock.now();
    const at = command.at?.getTime() ?? now;
    if (at > now + CLOCK_SKEW_MS) return { outcome: 'in-the-future' };
    const unknown = command.findings.findIndex((f) => !HAZARD_CATALOGUE.byKind.has(f.kind));
    if (unknown >= 0) return { outcome: 'unknown-kind', index: unknown, kind: command.findings[unknown].kind };
    // A campaign's enterprises never change, so what is read here still holds when the inspection is written.
    if (command.campaignId !== null) {
      const membership = await this.campaigns.membership(command.campaignId, command.enterpriseId);
      if (membership === 'unknown-campaign') return { outcome: 'unknown-campaign' };
      if (membership === 'not-member') return { outcome: 'not-in-campaign' };
    }
    // The file limit holds for the request as a whole, wherever in it the files are.
    const checked = checkEvidence(decodeEvidence(command.findings.flatMap((f) => f.evidence ?? [])));
    let next = 0;
    const findings = command.findings.map((f) => {
      const kind = HAZARD_CATALOGUE.byKind.get(f.kind)!;
      const evidence: EvidenceFile[] = checked.slice(next, next + (f.evidence?.length ?? 0));
      next += evidence.length;
      return {
        kind: f.kind,
        note: f.note ?? '',
        opened: openHazard(RECTIFICATION_POLICY, findingSeverity(kind, f.severity), at).state,
        evidence,
      };
    });
    const recorded = await this.inspections.record(
      {
        enterpriseId: command.enterpriseId,
        at,
        recordedAt: now,
        note: command.note,
        campaignId: command.campaignId,
        inspector: command.actor,
        findings,
      },
      gradeEnterprise,
      command.correlationId,
    );
    if (!recorded) return { outcome: 'unknown-enterprise' };
    await this.grades.publish(recorded.gradeChange);
    return { outcome: 'recorded', inspection: recorded.inspection, hazards: recorded.hazards };
  }
}
