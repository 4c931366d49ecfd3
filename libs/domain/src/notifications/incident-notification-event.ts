import type { IncidentEventV2 } from '@app/contracts';
import type { NotificationEvent } from './notification-route';
import type { NotifiableEvent } from './notification-routing';

const NOTIFIED: Partial<Record<IncidentEventV2['type'], NotificationEvent>> = {
  'incident.opened': 'incident.opened',
  'incident.graded': 'incident.graded',
  'incident.escalation': 'incident.escalated',
  'incident.renotify': 'incident.renotified',
  'incident.resolved': 'incident.resolved',
};

/**
 * An incident event as routing sees it, or null for one nobody is told about (a milestone met is on the live
 * stream only). Its source id names the event by what it is, so handling it again routes to the same keys.
 */
export function notifiableIncidentEvent(event: IncidentEventV2): NotifiableEvent | null {
  const type = NOTIFIED[event.type];
  if (!type) return null;
  const detail = [event.milestone ?? '', event.renotification ?? '', event.type === 'incident.graded' ? event.incident.grade : ''];
  const backups = event.backupSubstationId ? [event.backupSubstationId] : event.incident.backupSubstationIds;
  return {
    sourceId: `${event.incidentId}|${type}|${event.at}|${detail.join('|')}`,
    type,
    grade: event.incident.grade,
    incidentId: event.incidentId,
    enterpriseId: event.enterpriseId,
    substationId: event.incident.substationId,
    backupSubstationIds: backups,
  };
}
