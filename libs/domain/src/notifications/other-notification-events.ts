import type { AlarmEventV1, HazardOverdueV1, NotificationFailedV1 } from '@app/contracts';
import type { NotifiableEvent } from './notification-routing';

/**
 * A device offline too long as routing sees it: the risk engine's sweep found it silent for three of its reporting
 * intervals (its finding has no value; a dropped connection's, raised at once from the broker's last will, has
 * `false`). The sweep raises the finding or updates one a dropped connection raised; either is told once per raising.
 */
export function notifiableDeviceOffline(event: AlarmEventV1): NotifiableEvent | null {
  if (event.metric !== 'offline' || event.value !== null) return null;
  if (event.type !== 'alarm.raised' && event.type !== 'alarm.updated') return null;
  return {
    sourceId: `${event.alarmId}|device.offline|${event.raisedAt}`,
    type: 'device.offline',
    grade: event.grade,
    incidentId: null,
    enterpriseId: event.enterpriseId,
    substationId: null,
    backupSubstationIds: [],
  };
}

/** A notification given up on, to be told in turn; never one about a failed notification.failed (no loop). */
export function notifiableDeliveryFailure(event: NotificationFailedV1): NotifiableEvent | null {
  if (event.event === 'notification.failed') return null;
  return {
    sourceId: `${event.deliveryId}|notification.failed`,
    type: 'notification.failed',
    grade: null,
    incidentId: event.incidentId,
    enterpriseId: null,
    substationId: null,
    backupSubstationIds: [],
  };
}

/** A hazard past its deadline, told once per deadline: a reopened hazard's new deadline is told again when it passes. */
export function notifiableHazardOverdue(event: HazardOverdueV1): NotifiableEvent {
  return {
    sourceId: `${event.hazard.id}|hazard.overdue|${event.hazard.deadline}`,
    type: 'hazard.overdue',
    grade: event.hazard.severity,
    incidentId: null,
    enterpriseId: event.hazard.enterpriseId,
    substationId: event.hazard.substationId,
    backupSubstationIds: [],
  };
}
