import type { z } from 'zod';
import { EvidenceType, HAZARD_CATALOGUE, isOverdue } from '@app/domain';
import type { EvidenceRecord, HazardDetail, HazardRecord, InspectionRecord } from '@app/storage';
import type { evidence, hazard, hazardDetail, inspection } from './inspection-schemas';

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** A hazard as the API gives it: overdue derived at `now`, its kind named from the catalogue. */
export function renderHazard(h: HazardRecord, now: number): z.input<typeof hazard> {
  return {
    id: h.id,
    inspectionId: h.inspectionId,
    enterpriseId: h.enterpriseId,
    kind: h.kind,
    kindName: HAZARD_CATALOGUE.byKind.get(h.kind)?.name ?? h.kind,
    severity: h.severity,
    note: h.note,
    status: h.status,
    overdue: isOverdue({ status: h.status, deadline: h.deadline.getTime() }, now),
    deadline: h.deadline.toISOString(),
    responsibleContactId: h.responsibleContactId,
    openedAt: h.openedAt.toISOString(),
    rectifiedAt: iso(h.rectifiedAt),
    rectifiedBy: h.rectifiedBy,
    rectifiedNote: h.rectifiedNote,
    verifiedAt: iso(h.verifiedAt),
    verifiedBy: h.verifiedBy,
    reopenCount: h.reopenCount,
  };
}

export function renderEvidence(hazardId: string, e: EvidenceRecord): z.input<typeof evidence> {
  return {
    id: e.id,
    name: e.name,
    contentType: e.contentType as EvidenceType,
    sizeBytes: e.sizeBytes,
    sha256: e.sha256,
    addedAt: e.addedAt.toISOString(),
    addedBy: e.addedBy,
    stage: e.stage,
    url: `/api/hazards/${encodeURIComponent(hazardId)}/evidence/${encodeURIComponent(e.id)}`,
  };
}

export function renderHazardDetail(h: HazardDetail, now: number): z.input<typeof hazardDetail> {
  return {
    ...renderHazard(h, now),
    history: h.history.map((e) => ({
      at: e.at.toISOString(),
      action: e.action,
      status: e.status,
      deadline: e.deadline.toISOString(),
      actor: { tokenId: e.actor.tokenId, name: e.actor.name, role: e.actor.role },
      note: e.note,
    })),
    evidence: h.evidence.map((e) => renderEvidence(h.id, e)),
  };
}

export function renderInspection(i: InspectionRecord): z.input<typeof inspection> {
  return {
    id: i.id,
    enterpriseId: i.enterpriseId,
    at: i.at.toISOString(),
    inspector: { tokenId: i.inspectorTokenId, name: i.inspectorName },
    note: i.note,
    campaignId: i.campaignId,
    recordedAt: i.recordedAt.toISOString(),
    hazardIds: i.hazardIds,
  };
}
