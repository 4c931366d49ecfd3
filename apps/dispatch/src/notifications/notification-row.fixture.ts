import type { IncidentSnapshotV1 } from '@app/contracts';
import type { NotificationRow } from '@app/storage';

export const T0 = Date.parse('2026-03-02T08:00:00Z');

export const INCIDENT: IncidentSnapshotV1 = {
  id: 'I-42',
  enterpriseId: 'E1',
  substationId: 'S3',
  grade: 'red',
  level: 1,
  status: 'dispatched',
  dispatchedAt: T0,
  resolvedAt: null,
  assignmentReason: 'nearest',
  backupSubstationIds: ['S4'],
  alarmIds: ['A1'],
  milestones: [
    { name: 'acknowledged', dueAt: T0 + 60_000, at: null, by: null, escalatedAt: null, renotifications: 0 },
    { name: 'onScene', dueAt: T0 + 180_000, at: null, by: null, escalatedAt: null, renotifications: 0 },
    { name: 'underControl', dueAt: T0 + 300_000, at: null, by: null, escalatedAt: null, renotifications: 0 },
  ],
  escalations: [],
};

/** An email or sms outbox row as the outbox service stores it: the address and names fixed in the payload. */
export function addressedRow(channel: 'email' | 'sms', to: string, over: Partial<NotificationRow> = {}): NotificationRow {
  return {
    deliveryId: '7d3f9a52-5a7e-4b43-9a3e-2f1f6c0c1a01',
    idempotencyKey: `I-42|incident.opened|${T0}|||${channel}|contact:duty-s3`,
    incidentId: 'I-42',
    eventType: 'incident.opened',
    channel,
    recipient: 'contact:duty-s3',
    payload: {
      type: 'incident.opened',
      at: new Date(T0).toISOString(),
      incident: INCIDENT,
      enterpriseName: '华东化工 Huadong Chemicals',
      substationName: 'Xinhua',
      to,
    },
    status: 'pending',
    attempts: 0,
    nextAttemptAt: new Date(T0),
    lastError: null,
    createdAt: new Date(T0),
    deliveredAt: null,
    ...over,
  };
}
