import type { AlarmEventV1, HazardOverdueV1, NotificationFailedV1 } from '@app/contracts';
import { notifiableDeliveryFailure, notifiableDeviceOffline, notifiableHazardOverdue } from './other-notification-events';

const offline: AlarmEventV1 = {
  v: 1,
  type: 'alarm.raised',
  alarmId: 'A1',
  deviceId: 'E1-D1',
  enterpriseId: 'E1',
  ruleId: 'device.offline',
  metric: 'offline',
  grade: 'blue',
  value: null,
  message: 'device offline',
  raisedAt: 1000,
  at: 1000,
  correlationId: 'c',
};

const failed: NotificationFailedV1 = {
  v: 1,
  type: 'notification.failed',
  deliveryId: 'D1',
  incidentId: 'I1',
  event: 'incident.opened',
  channel: 'webhook',
  recipient: 'command-center',
  attempts: 10,
  lastError: 'HTTP 500',
  at: 2000,
};

describe('device offline and delivery failures as notifiable events', () => {
  it('tells of a device silent too long (the sweep), once per raising, with its enterprise and grade', () => {
    expect(notifiableDeviceOffline(offline)).toEqual({
      sourceId: 'A1|device.offline|1000',
      type: 'device.offline',
      grade: 'blue',
      incidentId: null,
      enterpriseId: 'E1',
      substationId: null,
      backupSubstationIds: [],
    });
    // The sweep updating an offline finding a dropped connection raised: the same raising, so the same source id.
    expect(notifiableDeviceOffline({ ...offline, type: 'alarm.updated', at: 9000 })?.sourceId).toBe('A1|device.offline|1000');
    expect(notifiableDeviceOffline({ ...offline, type: 'alarm.cleared' })).toBeNull();
    // A dropped connection (the broker's last will) is not yet "too long".
    expect(notifiableDeviceOffline({ ...offline, value: false })).toBeNull();
    expect(notifiableDeviceOffline({ ...offline, metric: 'smoke', ruleId: 'smoke' })).toBeNull();
  });

  it('tells of a delivery given up on, with its incident, but never of a failed failure notice', () => {
    expect(notifiableDeliveryFailure(failed)).toMatchObject({
      sourceId: 'D1|notification.failed',
      type: 'notification.failed',
      incidentId: 'I1',
      grade: null,
    });
    expect(notifiableDeliveryFailure({ ...failed, event: 'notification.failed' })).toBeNull();
  });

  it('tells of an overdue hazard with its enterprise, substation and severity, once per deadline', () => {
    const overdue: HazardOverdueV1 = {
      v: 1,
      type: 'hazard.overdue',
      hazard: {
        id: 'H1',
        inspectionId: 'N1',
        enterpriseId: 'E1',
        substationId: 'S1',
        kind: 'fire-lane-blocked',
        severity: 'orange',
        status: 'open',
        deadline: 5000,
        responsibleContactId: 'resp-e1',
        openedAt: 1000,
        reopenCount: 0,
      },
      at: 6000,
      correlationId: 'c',
    };
    expect(notifiableHazardOverdue(overdue)).toEqual({
      sourceId: 'H1|hazard.overdue|5000',
      type: 'hazard.overdue',
      grade: 'orange',
      incidentId: null,
      enterpriseId: 'E1',
      substationId: 'S1',
      backupSubstationIds: [],
    });
    // Reopened with a new deadline: a new raising, told again; the same deadline seen later is the same raising.
    const reopened = { ...overdue, hazard: { ...overdue.hazard, status: 'reopened' as const, deadline: 9000, reopenCount: 1 } };
    expect(notifiableHazardOverdue(reopened).sourceId).toBe('H1|hazard.overdue|9000');
    expect(notifiableHazardOverdue({ ...overdue, at: 7000 }).sourceId).toBe('H1|hazard.overdue|5000');
  });
});
