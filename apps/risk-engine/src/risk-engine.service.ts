import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  AlarmEventV1,
  DeviceStatusV1,
  GradeChangedV1,
  TelemetryReadingV1,
  Topics,
} from '@app/contracts';
import { CLOCK } from '@app/config';
import { Clock, defaultRuleSet, gradeEnterprise, RiskEvaluator, RuleTransition } from '@app/domain';
import { AlarmsRepository, GradeChangesRepository, ReadingsRepository, ZoneRepository } from '@app/storage';
import { Bus, BUS, BusMessage } from '@app/transport';
import { RiskMetrics } from './risk.metrics';

const OFFLINE_RULE = 'device.offline';

/**
 * Grades every reading: stores it, runs the rules, keeps one open alarm per
 * device and rule, and regrades the enterprises whose findings changed. The
 * batch counts as consumed only after all of that is stored.
 */
@Injectable()
export class RiskEngineService implements OnApplicationBootstrap {
  private readonly logger = new Logger(RiskEngineService.name);
  private readonly evaluator = new RiskEvaluator(defaultRuleSet());

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly readings: ReadingsRepository,
    private readonly alarms: AlarmsRepository,
    private readonly gradeChanges: GradeChangesRepository,
    private readonly zone: ZoneRepository,
    private readonly metrics: RiskMetrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.bus.subscribe<TelemetryReadingV1>(Topics.telemetry, 'risk-engine', (batch) => this.handleTelemetry(batch), { maxBatch: 2000 });
    await this.bus.subscribe<DeviceStatusV1>(Topics.deviceStatus, 'risk-engine', (batch) => this.handleStatus(batch));
  }

  async handleTelemetry(batch: BusMessage<TelemetryReadingV1>[]): Promise<void> {
    const rows: { ts: number; deviceId: string; metric: string; value: number }[] = [];
    for (const { value: r } of batch) {
      for (const [metric, v] of Object.entries(r.readings)) {
        rows.push({ ts: r.ts, deviceId: r.deviceId, metric, value: typeof v === 'boolean' ? (v ? 1 : 0) : (v as number) });
      }
    }
    const stored = await this.readings.insertBatch(rows);
    this.metrics.readingsStored.inc(stored);

    const alarmEvents: AlarmEventV1[] = [];
    const touched = new Map<string, string>();
    const seen = new Map<string, number>();
    try {
      for (const { value: r } of batch) {
        seen.set(r.deviceId, Math.max(seen.get(r.deviceId) ?? 0, r.ts));
        for (const t of this.evaluator.evaluate(r)) {
          const event = await this.applyTransition(r.deviceId, r.enterpriseId, t, r.correlationId);
          if (event) {
            alarmEvents.push(event);
            touched.set(r.enterpriseId, r.correlationId);
          }
        }
      }
      await this.finish(alarmEvents, touched);
    } catch (error) {
      // The batch comes again; rule state that ran ahead of what was stored
      // would make the evaluator skip it, so these devices start afresh.
      for (const { value: r } of batch) this.evaluator.forget(r.deviceId);
      throw error;
    }
    await this.zone.setDeviceSeen([...seen].map(([deviceId, at]) => ({ deviceId, at, online: true })));
  }

  async handleStatus(batch: BusMessage<DeviceStatusV1>[]): Promise<void> {
    const alarmEvents: AlarmEventV1[] = [];
    const touched = new Map<string, string>();
    for (const { value: s } of batch) {
      const transition: RuleTransition = {
        type: s.online ? 'cleared' : 'raised',
        ruleId: OFFLINE_RULE,
        metric: 'offline' as never,
        grade: 'blue',
        value: s.online,
        at: s.ts,
        message: s.online ? `device ${s.deviceId} is back online` : `device ${s.deviceId} went offline`,
      };
      const event = await this.applyTransition(s.deviceId, s.enterpriseId, transition, s.correlationId);
      if (event) {
        alarmEvents.push(event);
        touched.set(s.enterpriseId, s.correlationId);
      }
    }
    await this.finish(alarmEvents, touched);
    await this.zone.setDeviceSeen(batch.map(({ value: s }) => ({ deviceId: s.deviceId, at: s.ts, online: s.online })));
  }

  private async finish(alarmEvents: AlarmEventV1[], touched: Map<string, string>): Promise<void> {
    const gradeEvents: GradeChangedV1[] = [];
    for (const [enterpriseId, correlationId] of touched) {
      const change = await this.regrade(enterpriseId, correlationId);
      if (change) gradeEvents.push(change);
    }
    await this.bus.publish(Topics.alarms, alarmEvents.map((e) => ({ key: e.enterpriseId, value: e, headers: { correlationId: e.correlationId } })));
    await this.bus.publish(Topics.grades, gradeEvents.map((e) => ({ key: e.enterpriseId, value: e, headers: { correlationId: e.correlationId } })));
  }

  private async applyTransition(deviceId: string, enterpriseId: string, t: RuleTransition, correlationId: string): Promise<AlarmEventV1 | null> {
    const value = typeof t.value === 'boolean' ? (t.value ? 1 : 0) : t.value;
    if (t.type === 'cleared') {
      const cleared = await this.alarms.clear(deviceId, t.ruleId, t.at);
      if (!cleared) return null;
      this.metrics.alarms.inc({ type: 'cleared', grade: cleared.grade });
      return this.event('alarm.cleared', cleared.id, deviceId, enterpriseId, t, cleared.raisedAt.getTime(), correlationId);
    }
    const { alarm, created } = await this.alarms.raise({
      id: randomUUID(),
      deviceId,
      enterpriseId,
      ruleId: t.ruleId,
      metric: t.metric,
      grade: t.grade,
      value,
      message: t.message,
      at: t.at,
      correlationId,
    });
    const type = created ? 'alarm.raised' : 'alarm.updated';
    this.metrics.alarms.inc({ type: created ? 'raised' : 'updated', grade: t.grade });
    return this.event(type, alarm.id, deviceId, enterpriseId, t, alarm.raisedAt.getTime(), correlationId);
  }

  private event(
    type: AlarmEventV1['type'],
    alarmId: string,
    deviceId: string,
    enterpriseId: string,
    t: RuleTransition,
    raisedAt: number,
    correlationId: string,
  ): AlarmEventV1 {
    return { v: 1, type, alarmId, deviceId, enterpriseId, ruleId: t.ruleId, metric: t.metric, grade: t.grade, value: t.value, message: t.message, raisedAt, at: t.at, correlationId };
  }

  private async regrade(enterpriseId: string, correlationId: string): Promise<GradeChangedV1 | null> {
    const change = await this.gradeChanges.regrade(enterpriseId, gradeEnterprise, this.clock.now(), correlationId);
    if (!change) return null;
    return { v: 1, type: 'grade.changed', enterpriseId, from: change.from, to: change.to, reasons: change.reasons, at: change.at.getTime(), correlationId };
  }
}
