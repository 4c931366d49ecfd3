import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AlarmEventV1 } from '@app/contracts';
import { CLOCK, InjectConfig, RiskEngineConfig } from '@app/config';
import {
  Clock,
  OFFLINE_CLASS,
  OFFLINE_GRADE,
  OFFLINE_METRIC,
  OFFLINE_RULE_ID,
  OFFLINE_SILENT_INTERVALS,
  PRESENCE_SLACK_INTERVALS,
} from '@app/domain';
import { AlarmRow, DevicePresenceRepository, RaiseAlarmInput, SilentDevice } from '@app/storage';
import { FindingsPublisher } from './findings-publisher';
import { RiskMetrics } from './risk.metrics';

/** Devices flagged per transaction; a sweep goes on until none are left. */
const SWEEP_BATCH = 500;

export interface DeviceReported {
  deviceId: string;
  at: number;
  correlationId: string;
  /** How often the device reports; arrivals closer together than a third of it are not all written. Absent: every one is. */
  reportIntervalS?: number;
}

/**
 * Makes a device that has gone silent for more than OFFLINE_SILENT_INTERVALS
 * of its reporting intervals a finding while it stays silent, and clears the finding when it
 * reports again. Every risk-engine process sweeps; the database decides which
 * of them flags a device, so each silent device is announced once.
 */
@Injectable()
export class OfflineMonitor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OfflineMonitor.name);
  private listeningSince: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private pendingReports = new Map<string, DeviceReported>();
  private reportsFlushedAt = 0;
  /** The arrival last written per device. */
  private readonly written = new Map<string, number>();

  constructor(
    @InjectConfig('riskEngine') private readonly config: RiskEngineConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly presence: DevicePresenceRepository,
    private readonly findings: FindingsPublisher,
    private readonly metrics: RiskMetrics,
  ) {
    this.listeningSince = clock.now();
  }

  onApplicationBootstrap(): void {
    // Silence is counted from now at the earliest: while this process was
    // down nobody listened, and that is not the devices' fault.
    this.listeningSince = this.clock.now();
    this.schedule();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    await this.flushReports('all').catch((e: Error) => this.logger.warn(`last presence flush failed: ${e.message}`));
  }

  /** Flags every device silent for too long, announces their alarms and regrades their enterprises; returns how many. */
  async sweep(): Promise<number> {
    await this.flushReports('sweep');
    let flagged = 0;
    for (;;) {
      const now = this.clock.now();
      const batch = await this.presence.markSilentDevicesOffline(now, this.listeningSince, SWEEP_BATCH, (d) => offlineAlarm(d, now));
      const events = batch.map(({ alarm, created }): AlarmEventV1 => {
        this.metrics.alarms.inc({ type: created ? 'raised' : 'updated', grade: alarm.grade });
        return toEvent(created ? 'alarm.raised' : 'alarm.updated', alarm, alarm.message, alarm.updatedAt.getTime(), alarm.correlationId);
      });
      await this.findings.publish(events);
      for (const { device } of batch) this.written.delete(device.id);
      flagged += batch.length;
      if (batch.length < SWEEP_BATCH || this.stopped) return flagged;
    }
  }

  /**
   * Telemetry arrived: the devices are online, and those that were offline have
   * their finding cleared. Arrivals are gathered and written at most every
   * PRESENCE_FLUSH_MS (and before every sweep) — one update per device per
   * interval rather than per reading, and only for devices whose stored
   * arrival is a third of their reporting interval behind; losing one
   * interval in a crash at worst delays a back-online by one report.
   */
  async reported(reports: readonly DeviceReported[]): Promise<void> {
    for (const r of reports) if ((this.pendingReports.get(r.deviceId)?.at ?? -Infinity) <= r.at) this.pendingReports.set(r.deviceId, r);
    if (this.clock.now() - this.reportsFlushedAt >= this.config.presenceFlushMs) await this.flushReports('slack');
  }

  /** The next report of this device is written whatever the slack: it went offline, so that report brings it back. */
  wentOffline(deviceId: string): void {
    this.written.delete(deviceId);
  }

  /**
   * Writes the gathered arrivals that are due. `slack`: those whose stored
   * arrival is a third of the device's interval behind; the others are held.
   * `sweep`: also those held while the stored arrival is old enough that this
   * sweep could take the device for silent (OFFLINE_SILENT_INTERVALS - 1 intervals),
   * so a device is never flagged early for a report that was held. `all`: everything.
   */
  private async flushReports(mode: 'slack' | 'sweep' | 'all'): Promise<void> {
    if (this.pendingReports.size === 0) return;
    const latest = this.pendingReports;
    this.pendingReports = new Map();
    const now = this.clock.now();
    this.reportsFlushedAt = now;
    const due: DeviceReported[] = [];
    for (const r of latest.values()) {
      const written = this.written.get(r.deviceId);
      const intervalMs = (r.reportIntervalS ?? 0) * 1000;
      const isDue =
        mode === 'all' ||
        written === undefined ||
        r.at - written >= intervalMs * PRESENCE_SLACK_INTERVALS ||
        (mode === 'sweep' && now - written >= intervalMs * (OFFLINE_SILENT_INTERVALS - 1));
      if (isDue) due.push(r);
      // Held, not dropped: a later flush (or the next sweep) writes it if the device says nothing newer.
      else if (written < r.at) this.pendingReports.set(r.deviceId, r);
    }
    if (due.length === 0) return;
    let cleared: AlarmRow[];
    try {
      cleared = await this.presence.markReported(due, OFFLINE_RULE_ID);
    } catch (error) {
      for (const r of due) if ((this.pendingReports.get(r.deviceId)?.at ?? -Infinity) <= r.at) this.pendingReports.set(r.deviceId, r);
      throw error;
    }
    for (const r of due) this.written.set(r.deviceId, r.at);
    if (cleared.length === 0) return;
    const events = cleared.map((alarm) => {
      this.metrics.alarms.inc({ type: 'cleared', grade: alarm.grade });
      const at = alarm.clearedAt?.getTime() ?? alarm.updatedAt.getTime();
      return toEvent(
        'alarm.cleared',
        alarm,
        `device ${alarm.deviceId} is back online`,
        at,
        latest.get(alarm.deviceId)?.correlationId ?? alarm.correlationId,
      );
    });
    await this.findings.publish(events);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      // The next sweep is scheduled only when this one has ended, so two never overlap.
      this.running = this.sweep()
        .then(
          () => undefined,
          (e: Error) => this.logger.warn(`offline sweep failed, trying again in ${this.config.offlineSweepMs} ms: ${e.message}`),
        )
        .finally(() => {
          this.running = null;
          this.schedule();
        });
    }, this.config.offlineSweepMs);
  }
}

function offlineAlarm(device: SilentDevice, now: number): RaiseAlarmInput {
  return {
    id: randomUUID(),
    deviceId: device.id,
    enterpriseId: device.enterpriseId,
    ruleId: OFFLINE_RULE_ID,
    signalClass: OFFLINE_CLASS,
    metric: OFFLINE_METRIC,
    grade: OFFLINE_GRADE,
    value: null,
    message: `device ${device.id} silent for ${duration(now - device.lastSeenAt.getTime())} (reports every ${device.reportIntervalS} s)`,
    at: now,
    correlationId: randomUUID(),
  };
}

function duration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 120) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 120) return `${min} min`;
  return `${Math.floor(min / 60)} h ${min % 60} min`;
}

function toEvent(type: AlarmEventV1['type'], alarm: AlarmRow, message: string, at: number, correlationId: string): AlarmEventV1 {
  return {
    v: 1,
    type,
    alarmId: alarm.id,
    deviceId: alarm.deviceId,
    enterpriseId: alarm.enterpriseId,
    ruleId: alarm.ruleId,
    class: alarm.signalClass,
    metric: OFFLINE_METRIC,
    grade: alarm.grade,
    value: null,
    message,
    raisedAt: alarm.raisedAt.getTime(),
    at,
    correlationId,
    test: alarm.test,
  };
}
