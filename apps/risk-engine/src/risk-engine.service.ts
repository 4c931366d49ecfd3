import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AlarmEventV1, DEVICE_TYPES, DeviceStatusV1, GradeChangedV1, TelemetryReadingV1, Topics } from '@app/contracts';
import { CLOCK, InjectConfig, RiskEngineConfig } from '@app/config';
import {
  Clock,
  OFFLINE_CLASS,
  OFFLINE_GRADE,
  OFFLINE_METRIC,
  OFFLINE_RULE_ID,
  RiskEvaluator,
  RuleTransition,
  VersionedRuleSet,
} from '@app/domain';
import { AlarmsRepository, RuleStatesRepository, ZoneRepository } from '@app/storage';
import { Bus, BUS, BusMessage, ZoneChanges } from '@app/transport';
import { FindingsPublisher } from './findings-publisher';
import { OfflineMonitor } from './offline-monitor';
import { OperatingModesInForce } from './operating-modes-in-force';
import { RiskMetrics } from './risk.metrics';
import { RULE_SET } from './rule-set.provider';

/**
 * Grades every reading: runs the rules, keeps one open alarm per device and
 * rule, and regrades the enterprises whose findings changed. The readings
 * themselves are stored beside it by ReadingsStore, so an alarm never waits
 * for the bulk insert of its batch. The batch counts as consumed only after
 * the alarms and rule state are stored.
 */
@Injectable()
export class RiskEngineService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RiskEngineService.name);
  private readonly evaluator: RiskEvaluator;
  private ruleStatesSavedAt = 0;
  private windowsSavedAt = 0;

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(CLOCK) private readonly clock: Clock,
    @InjectConfig('riskEngine') private readonly config: RiskEngineConfig,
    private readonly alarms: AlarmsRepository,
    private readonly zone: ZoneRepository,
    private readonly ruleStates: RuleStatesRepository,
    private readonly metrics: RiskMetrics,
    private readonly offline: OfflineMonitor,
    private readonly findings: FindingsPublisher,
    private readonly zoneChanges: ZoneChanges,
    private readonly modes: OperatingModesInForce,
    @Inject(RULE_SET) ruleSet: VersionedRuleSet,
  ) {
    this.evaluator = new RiskEvaluator(ruleSet.rules);
  }

  async onApplicationBootstrap(): Promise<void> {
    // Before the first finding, so it is compared against the baseline and not against "no grade".
    const graded = await this.findings.gradeUngraded();
    if (graded > 0) this.logger.log(`gave ${graded} enterprises without a grade their standing-hazard grade`);
    await this.bus.subscribe<TelemetryReadingV1>(Topics.telemetry, 'risk-engine', (batch) => this.handleTelemetry(batch), {
      maxBatch: 5000,
      lingerMs: 20,
    });
    await this.bus.subscribe<DeviceStatusV1>(Topics.deviceStatus, 'risk-engine', (batch) => this.handleStatus(batch));
    // An enterprise changed in the register (its hazards or its mode among what may have): its grade follows at once.
    // Subscribed before the modes are first read, so a change made meanwhile is read after it.
    await this.zoneChanges.subscribe('risk-engine', ['enterprises', 'devices'], async (changed, message) => {
      await this.registerChanged(changed.devices ?? [], changed.enterprises ?? [], message.correlationId);
    });
    await this.modes.reload();
  }

  /**
   * Regrades enterprises after their standing hazards changed (stored by the
   * caller first) and announces every grade that moved.
   */
  async hazardsChanged(enterpriseIds: readonly string[], correlationId: string): Promise<GradeChangedV1[]> {
    return this.findings.hazardsChanged(enterpriseIds, correlationId);
  }

  /**
   * A mode changed: the devices it governs start their rules afresh (the change cleared the alarms that no longer
   * fit and dropped their saved state), so a finding that persists is raised again in the new mode.
   */
  private async registerChanged(deviceIds: readonly string[], enterpriseIds: readonly string[], correlationId: string): Promise<void> {
    if (await this.modes.reload(deviceIds, enterpriseIds)) {
      for (const id of deviceIds) this.evaluator.forget(id);
      // Again, after forgetting: a save of the old state between the mode change and now would bring it back.
      await this.ruleStates.delete(deviceIds);
    }
    if (enterpriseIds.length > 0) await this.hazardsChanged(enterpriseIds, correlationId);
  }

  async handleTelemetry(batch: BusMessage<TelemetryReadingV1>[]): Promise<void> {
    const alarmEvents: AlarmEventV1[] = [];
    const raised: Array<{ event: AlarmEventV1; receivedAt: number }> = [];
    const now = this.clock.now();
    try {
      await this.restoreRuleStates(batch);
      for (const { value: r } of batch) {
        const mode = this.modes.of(r.deviceId, r.enterpriseId, now);
        // A disabled device's findings are not graded (its readings are stored all the same, by ReadingsStore).
        if (mode === 'disabled') continue;
        for (const t of this.evaluator.evaluate(r)) {
          const event = await this.applyTransition(r.deviceId, r.enterpriseId, t, r.correlationId, mode === 'test');
          if (!event) continue;
          alarmEvents.push(event);
          if (event.type === 'alarm.raised') raised.push({ event, receivedAt: r.receivedAt });
        }
      }
      await this.findings.publish(alarmEvents);
      const published = this.clock.now();
      for (const { event: e, receivedAt } of raised) {
        this.metrics.publishToAlarm.observe(Math.max(0, published - receivedAt) / 1000);
        this.logger.log(
          { correlationId: e.correlationId, alarmId: e.alarmId, deviceId: e.deviceId, enterpriseId: e.enterpriseId, grade: e.grade },
          `alarm ${e.grade}: ${e.message}`,
        );
      }
      await this.saveRuleStates(false);
    } catch (error) {
      // The batch comes again; rule state that ran ahead of what was stored
      // would make the evaluator skip it, so these devices start afresh.
      for (const { value: r } of batch) this.evaluator.forget(r.deviceId);
      throw error;
    }
    // Presence is judged by arrival, not by the device's own clock (which may lag or replay old data).
    await this.offline.reported(
      batch.map(({ value: r }) => ({
        deviceId: r.deviceId,
        at: r.receivedAt,
        correlationId: r.correlationId,
        reportIntervalS: r.reportIntervalS ?? DEVICE_TYPES[r.deviceType]?.reportIntervalS,
      })),
    );
  }

  /**
   * Writes the rule state of the devices whose rules moved since the last
   * save at most every RULE_STATE_SAVE_MS, and of those where only a rate
   * rule's history samples moved at most every RULE_WINDOW_SAVE_MS (a quiet
   * fleet adds samples all the time; a reading that changed nothing but the
   * device's last timestamp is not written at all). Always at the end of a
   * handled batch: saved state never runs ahead of announced alarms, so a
   * crash replays readings rather than skipping them, and at most those
   * intervals of rule progress are lost.
   */
  private async saveRuleStates(force: boolean): Promise<void> {
    const now = this.clock.now();
    const rulesDue = force || now - this.ruleStatesSavedAt >= this.config.ruleStateSaveMs;
    const windowsDue = force || now - this.windowsSavedAt >= this.config.ruleWindowSaveMs;
    if (rulesDue) this.ruleStatesSavedAt = now;
    if (windowsDue) this.windowsSavedAt = now;
    const ids = new Set([
      ...(rulesDue ? this.evaluator.takeChanged('rules') : []),
      ...(windowsDue ? this.evaluator.takeChanged('windows') : []),
    ]);
    if (ids.size === 0) return;
    try {
      await this.ruleStates.save(
        [...ids].map((deviceId) => ({ deviceId, state: this.evaluator.exportDevice(deviceId) })).filter((s) => s.state !== null),
        new Date(now),
      );
    } catch (error) {
      this.evaluator.markChanged(ids);
      throw error;
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.saveRuleStates(true).catch(() => undefined);
  }

  /** Devices this process has not evaluated since it started continue from their saved rule state. */
  private async restoreRuleStates(batch: BusMessage<TelemetryReadingV1>[]): Promise<void> {
    const unknown = [...new Set(batch.map((m) => m.value.deviceId))].filter((id) => !this.evaluator.knows(id));
    for (const [deviceId, state] of await this.ruleStates.load(unknown)) this.evaluator.importDevice(deviceId, state);
  }

  async handleStatus(batch: BusMessage<DeviceStatusV1>[]): Promise<void> {
    const alarmEvents: AlarmEventV1[] = [];
    const now = this.clock.now();
    for (const { value: s } of batch) {
      const mode = this.modes.of(s.deviceId, s.enterpriseId, now);
      if (mode === 'disabled') continue;
      const transition: RuleTransition = {
        type: s.online ? 'cleared' : 'raised',
        ruleId: OFFLINE_RULE_ID,
        class: OFFLINE_CLASS,
        metric: OFFLINE_METRIC as never,
        grade: OFFLINE_GRADE,
        value: s.online,
        at: s.ts,
        message: s.online ? `device ${s.deviceId} is back online` : `device ${s.deviceId} went offline`,
      };
      const event = await this.applyTransition(s.deviceId, s.enterpriseId, transition, s.correlationId, mode === 'test');
      if (event) alarmEvents.push(event);
    }
    await this.findings.publish(alarmEvents);
    await this.zone.setDeviceSeen(batch.map(({ value: s }) => ({ deviceId: s.deviceId, at: s.ts, online: s.online })));
    for (const { value: s } of batch) if (!s.online) this.offline.wentOffline(s.deviceId);
  }

  private async applyTransition(
    deviceId: string,
    enterpriseId: string,
    t: RuleTransition,
    correlationId: string,
    test: boolean,
  ): Promise<AlarmEventV1 | null> {
    const value = typeof t.value === 'boolean' ? (t.value ? 1 : 0) : t.value;
    if (t.type === 'cleared') {
      const cleared = await this.alarms.clear(deviceId, t.ruleId, t.at);
      if (!cleared) return null;
      this.metrics.alarms.inc({ type: 'cleared', grade: cleared.grade });
      return this.event('alarm.cleared', cleared.id, deviceId, enterpriseId, t, cleared.raisedAt.getTime(), correlationId, cleared.test);
    }
    const { alarm, created } = await this.alarms.raise({
      id: randomUUID(),
      deviceId,
      enterpriseId,
      ruleId: t.ruleId,
      signalClass: t.class,
      metric: t.metric,
      grade: t.grade,
      value,
      message: t.message,
      at: t.at,
      correlationId,
      test,
    });
    const type = created ? 'alarm.raised' : 'alarm.updated';
    this.metrics.alarms.inc({ type: created ? 'raised' : 'updated', grade: t.grade });
    // An open alarm keeps the mode it was raised in: its events say so too.
    return this.event(type, alarm.id, deviceId, enterpriseId, t, alarm.raisedAt.getTime(), correlationId, alarm.test);
  }

  private event(
    type: AlarmEventV1['type'],
    alarmId: string,
    deviceId: string,
    enterpriseId: string,
    t: RuleTransition,
    raisedAt: number,
    correlationId: string,
    test: boolean,
  ): AlarmEventV1 {
    return {
      v: 1,
      type,
      alarmId,
      deviceId,
      enterpriseId,
      ruleId: t.ruleId,
      class: t.class,
      metric: t.metric,
      grade: t.grade,
      value: t.value,
      message: t.message,
      raisedAt,
      at: t.at,
      correlationId,
      test,
    };
  }
}
