import type { AlarmEventV1, NotificationFailedV1 } from '@app/contracts';
import type { NotifiableEvent } from './notification-routing';

/** A device gone silent (the risk engine's offline finding, raised after three missed reports) as routing sees it. */
export function notifiableDeviceOffline(event: AlarmEventV1): NotifiableEvent | null {
  if (event.type !== 'alarm.raised' || event.metric !== 'offline') return null;
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
