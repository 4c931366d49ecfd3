import type { IncidentSnapshotV1 } from '@app/contracts';
import type { IncidentRecord } from '@app/storage';

/** The stored incident in the form incident events carry it. */
export function incidentSnapshot(incident: IncidentRecord): IncidentSnapshotV1 {
  const t = incident.timeline;
  return {
    id: incident.id,
    enterpriseId: incident.enterpriseId,
    substationId: t.substationId,
    grade: incident.grade,
    class: incident.signalClass,
    level: t.level,
    status: t.status,
    dispatchedAt: t.dispatchedAt,
    resolvedAt: t.resolvedAt,
    assignmentReason: incident.assignmentReason,
    backupSubstationIds: [...t.backupSubstationIds],
    alarmIds: [...incident.alarmIds],
    milestones: t.milestones.map((m) => ({
      name: m.name,
      dueAt: m.dueAt,
      at: m.at,
      by: m.by,
      escalatedAt: m.escalatedAt,
      renotifications: m.renotifications ?? 0,
    })),
    escalations: incident.escalations.map((e) => ({
      milestone: e.milestone,
      at: e.at,
      dueAt: e.dueAt,
      backupSubstationId: e.backupSubstationId,
    })),
    resolution: incident.resolution && { ...incident.resolution },
  };
}
