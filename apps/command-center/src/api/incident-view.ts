import type { IncidentSnapshotV1, IncidentView } from '@app/contracts';
import { milestoneMet } from '@app/domain';
import type { NotificationRow } from '@app/storage';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * The incident as the API and the live stream show it (SPEC.md: camelCase, ISO-8601 UTC times). Whether a
 * milestone was met is decided here from its due and actual times, by the timeline's own rule.
 */
export function renderIncident(incident: IncidentSnapshotV1): IncidentView {
  return {
    id: incident.id,
    enterpriseId: incident.enterpriseId,
    substationId: incident.substationId,
    grade: incident.grade,
    level: incident.level,
    status: incident.status,
    dispatchedAt: new Date(incident.dispatchedAt).toISOString(),
    resolvedAt: iso(incident.resolvedAt),
    assignmentReason: incident.assignmentReason,
    backupSubstationIds: incident.backupSubstationIds,
    alarmIds: incident.alarmIds,
    milestones: incident.milestones.map((m) => ({
      name: m.name,
      dueAt: new Date(m.dueAt).toISOString(),
      at: iso(m.at),
      met: milestoneMet(m),
      by: m.by,
      renotifications: m.renotifications,
    })),
    escalations: incident.escalations.map((e) => ({
      milestone: e.milestone,
      at: new Date(e.at).toISOString(),
      dueAt: new Date(e.dueAt).toISOString(),
      backupSubstationId: e.backupSubstationId,
    })),
  };
}

/** One delivery of one of the incident's notifications, as `GET /api/incidents/{id}` shows it. */
export interface IncidentNotificationView {
  channel: string;
  recipient: string;
  event: string;
  status: NotificationRow['status'];
  attempts: number;
  lastError: string | null;
  deliveredAt: string | null;
}

/** The incident with its notifications (the outbox's rows, oldest first): what one incident's page shows. */
export function renderIncidentDetail(
  incident: IncidentSnapshotV1,
  notifications: readonly NotificationRow[],
): IncidentView & { notifications: IncidentNotificationView[] } {
  return {
    ...renderIncident(incident),
    notifications: notifications.map((n) => ({
      channel: n.channel,
      recipient: n.recipient,
      event: n.eventType,
      status: n.status,
      attempts: n.attempts,
      lastError: n.lastError,
      deliveredAt: n.deliveredAt === null ? null : n.deliveredAt.toISOString(),
    })),
  };
}
