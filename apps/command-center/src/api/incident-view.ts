import type { IncidentSnapshotV1, IncidentView } from '@app/contracts';
import type { z } from 'zod';
import { milestoneMet } from '@app/domain';
import type { NotificationRow } from '@app/storage';
import type { notificationView } from './response-schemas';

export type NotificationView = z.output<typeof notificationView>;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * The incident as the API and the live stream show it (SPEC.md: camelCase, ISO-8601 UTC times). Whether a
 * milestone was met is decided here from its due and actual times and `now`, by the timeline's own rule: a
 * deadline that has passed unmet reads false at once, not only when the late action comes.
 */
export function renderIncident(incident: IncidentSnapshotV1, now: number): IncidentView {
  const resolved = incident.milestones.find((m) => m.name === 'underControl');
  return {
    id: incident.id,
    enterpriseId: incident.enterpriseId,
    substationId: incident.substationId,
    grade: incident.grade,
    class: incident.class ?? null,
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
      met: milestoneMet(m, now),
      by: m.by,
      renotifications: m.renotifications,
    })),
    escalations: incident.escalations.map((e) => ({
      milestone: e.milestone,
      at: new Date(e.at).toISOString(),
      dueAt: new Date(e.dueAt).toISOString(),
      backupSubstationId: e.backupSubstationId,
    })),
    resolution: incident.resolution ? { ...incident.resolution, by: resolved?.by ?? null, at: iso(resolved?.at ?? null) } : null,
  };
}

/** One outbox row as the incident shows it: who was told, how, and how it went. */
export function renderNotification(n: NotificationRow): NotificationView {
  return {
    deliveryId: n.deliveryId,
    channel: n.channel as NotificationView['channel'],
    recipient: n.recipient,
    event: n.eventType as NotificationView['event'],
    status: n.status,
    attempts: n.attempts,
    lastError: n.lastError,
    createdAt: n.createdAt.toISOString(),
    deliveredAt: n.deliveredAt?.toISOString() ?? null,
  };
}
