import { Inject, Injectable } from '@nestjs/common';
import { AlarmEventV1, OperatingModeChangedV1, Topics } from '@app/contracts';
import type { AlarmRow, OperatingModeChange } from '@app/storage';
import { Bus, BUS, ZoneChanges } from '@app/transport';

/** Why the change cleared an alarm, as its alarm.cleared event says. */
function clearedBecause(change: OperatingModeChange): string {
  const what = change.target === 'device' ? 'device' : 'enterprise';
  if (change.after.mode === 'disabled') return `${what} disabled: ${change.after.reason}`;
  if (change.after.mode === 'test') return `${what} in test mode: ${change.after.reason}`;
  return `${what} back to normal mode`;
}

function clearedEvent(alarm: AlarmRow, message: string, correlationId: string): AlarmEventV1 {
  return {
    v: 1,
    type: 'alarm.cleared',
    alarmId: alarm.id,
    deviceId: alarm.deviceId,
    enterpriseId: alarm.enterpriseId,
    ruleId: alarm.ruleId,
    metric: alarm.metric as AlarmEventV1['metric'],
    grade: alarm.grade,
    value: alarm.value,
    message,
    raisedAt: alarm.raisedAt.getTime(),
    at: (alarm.clearedAt ?? alarm.updatedAt).getTime(),
    correlationId,
    test: alarm.test,
  };
}

/**
 * Makes a stored mode change live: zone.v1 for the devices and the enterprise (the risk engine reloads its modes,
 * forgets the devices' rule state and regrades the enterprise; every process within the second), alarms.v1 for the
 * alarms it cleared, and operating-modes.v1 for the screens.
 */
@Injectable()
export class OperatingModeAnnouncer {
  constructor(
    @Inject(BUS) private readonly bus: Bus,
    private readonly zoneChanges: ZoneChanges,
  ) {}

  async announce(change: OperatingModeChange, at: number, correlationId: string): Promise<void> {
    await this.zoneChanges.notify({ devices: change.deviceIds, enterprises: [change.enterpriseId] }, at, correlationId);
    const because = clearedBecause(change);
    await this.bus.publish<AlarmEventV1>(
      Topics.alarms,
      change.cleared.map((a) => ({ key: a.enterpriseId, value: clearedEvent(a, because, correlationId), headers: { correlationId } })),
      { durable: true },
    );
    const value: OperatingModeChangedV1 = {
      v: 1,
      type: 'mode.changed',
      target: change.target,
      id: change.id,
      enterpriseId: change.enterpriseId,
      mode: change.after.mode,
      until: change.after.until?.getTime() ?? null,
      reason: change.after.reason,
      setBy: change.after.setBy ?? '',
      at,
      correlationId,
    };
    await this.bus.publish<OperatingModeChangedV1>(Topics.operatingModes, [
      { key: change.enterpriseId, value, headers: { correlationId } },
    ]);
  }
}
