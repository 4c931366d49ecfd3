import { Logger } from '@nestjs/common';
import { AlarmEventV1 } from '@app/contracts';
import { loadConfig } from '@app/config';
import { OFFLINE_RULE_ID } from '@app/domain';
import { AlarmRow, DevicePresenceRepository, OfflineAlarm, RaiseAlarmInput, SilentDevice } from '@app/storage';
import { ManualClock } from '@app/testing';
import { FindingsPublisher } from './findings-publisher';
import { OfflineMonitor } from './offline-monitor';
import { RiskMetrics } from './risk.metrics';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const SWEEP_MS = 1000;

type SweepFn = DevicePresenceRepository['markSilentDevicesOffline'];

function alarmRow(input: RaiseAlarmInput, overrides: Partial<AlarmRow> = {}): AlarmRow {
  const at = new Date(input.at);
  return {
    id: input.id,
    deviceId: input.deviceId,
    enterpriseId: input.enterpriseId,
    ruleId: input.ruleId,
    signalClass: input.signalClass,
    metric: input.metric,
    grade: input.grade,
    status: 'open',
    value: null,
    message: input.message,
    raisedAt: at,
    updatedAt: at,
    clearedAt: null,
    occurrences: 1,
    correlationId: input.correlationId,
    test: false,
    ...overrides,
  };
}

/** A store holding `silent` devices; each sweep takes up to `limit` of them, as the database would. */
function presenceWith(silent: SilentDevice[]) {
  const left = [...silent];
  const markSilentDevicesOffline = jest.fn<ReturnType<SweepFn>, Parameters<SweepFn>>(async (_now, _since, limit, alarmFor) =>
    left.splice(0, limit).map((device): OfflineAlarm => ({ device, alarm: alarmRow(alarmFor(device)), created: true })),
  );
  const markReported = jest.fn<Promise<AlarmRow[]>, Parameters<DevicePresenceRepository['markReported']>>(async () => []);
  return { markSilentDevicesOffline, markReported };
}

function setup(silent: SilentDevice[] = []) {
  const clock = new ManualClock(T0);
  const presence = presenceWith(silent);
  const published: AlarmEventV1[][] = [];
  const findings = { publish: jest.fn(async (events: readonly AlarmEventV1[]) => void published.push([...events])) };
  const sut = new OfflineMonitor(
    loadConfig({ OFFLINE_SWEEP_MS: String(SWEEP_MS) }).riskEngine,
    clock,
    presence as unknown as DevicePresenceRepository,
    findings as unknown as FindingsPublisher,
    new RiskMetrics(),
  );
  return { sut, clock, presence, findings, published };
}

const device = (id: string, lastSeenAt: number, reportIntervalS = 30): SilentDevice => ({
  id,
  enterpriseId: `E-${id}`,
  lastSeenAt: new Date(lastSeenAt),
  reportIntervalS,
});

describe('OfflineMonitor', () => {
  let warn: jest.SpyInstance;

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  describe('sweep', () => {
    it('flags silent devices as blue offline findings saying how long they have been silent, counted from when it began listening', async () => {
      const { sut, clock, presence, published } = setup([device('d-1', T0 - 95_000), device('d-2', T0 - 2 * 3_600_000 - 5 * 60_000, 60)]);
      clock.set(T0 - 10_000);
      sut.onApplicationBootstrap();
      await sut.onModuleDestroy();
      clock.set(T0);

      await expect(sut.sweep()).resolves.toBe(2);

      expect(presence.markSilentDevicesOffline).toHaveBeenCalledWith(T0, T0 - 10_000, expect.any(Number), expect.any(Function));
      expect(published).toHaveLength(1);
      expect(published[0]).toEqual([
        expect.objectContaining({
          v: 1,
          type: 'alarm.raised',
          deviceId: 'd-1',
          enterpriseId: 'E-d-1',
          ruleId: OFFLINE_RULE_ID,
          class: 'fault',
          metric: 'offline',
          grade: 'blue',
          value: null,
          message: 'device d-1 silent for 95 s (reports every 30 s)',
          raisedAt: T0,
          at: T0,
        }),
        expect.objectContaining({ deviceId: 'd-2', message: 'device d-2 silent for 2 h 5 min (reports every 60 s)' }),
      ]);
      expect(published[0][0].correlationId).not.toBe(published[0][1].correlationId);
    });

    it('goes on in batches until no silent device is left, and announces nothing when none is', async () => {
      const many = Array.from({ length: 1203 }, (_, i) => device(`d-${i}`, T0 - 100_000));
      const { sut, presence, published } = setup(many);

      await expect(sut.sweep()).resolves.toBe(1203);
      expect(presence.markSilentDevicesOffline).toHaveBeenCalledTimes(3);
      expect(published.flat().map((e) => e.deviceId)).toEqual(many.map((d) => d.id));

      await expect(sut.sweep()).resolves.toBe(0);
      expect(published.flat()).toHaveLength(1203);
    });

    it('announces an offline alarm that was already open as updated', async () => {
      const { sut, presence, published } = setup();
      presence.markSilentDevicesOffline.mockImplementationOnce(async (_now, _since, _limit, alarmFor) => {
        const d = device('d-1', T0 - 100_000);
        return [{ device: d, alarm: alarmRow(alarmFor(d), { raisedAt: new Date(T0 - 5_000), occurrences: 2 }), created: false }];
      });
      await sut.sweep();
      expect(published[0]).toEqual([expect.objectContaining({ type: 'alarm.updated', raisedAt: T0 - 5_000, at: T0 })]);
    });
  });

  describe('reported', () => {
    it('clears the findings of devices that come back, with the correlation id of their latest report', async () => {
      const { sut, presence, published } = setup();
      const open = alarmRow({
        id: 'a-1',
        deviceId: 'd-1',
        enterpriseId: 'E1',
        ruleId: OFFLINE_RULE_ID,
        signalClass: 'fault',
        metric: 'offline',
        grade: 'blue',
        value: null,
        message: 'silent',
        at: T0,
        correlationId: 'c-raise',
      });
      presence.markReported.mockResolvedValueOnce([{ ...open, status: 'cleared', clearedAt: new Date(T0 + 7_000) }]);
      const reports = [
        { deviceId: 'd-1', at: T0 + 7_000, correlationId: 'c-late' },
        { deviceId: 'd-1', at: T0 + 6_000, correlationId: 'c-early' },
        { deviceId: 'd-2', at: T0 + 6_000, correlationId: 'c-other' },
      ];

      await sut.reported(reports);

      // Written once for the lot, with each device's latest report.
      expect(presence.markReported).toHaveBeenCalledWith([reports[0], reports[2]], OFFLINE_RULE_ID);
      expect(published).toEqual([
        [
          {
            v: 1,
            type: 'alarm.cleared',
            alarmId: 'a-1',
            deviceId: 'd-1',
            enterpriseId: 'E1',
            ruleId: OFFLINE_RULE_ID,
            class: 'fault',
            metric: 'offline',
            grade: 'blue',
            value: null,
            message: 'device d-1 is back online',
            raisedAt: T0,
            at: T0 + 7_000,
            correlationId: 'c-late',
            test: false,
          },
        ],
      ]);
    });

    it('gathers arrivals and writes them at most every PRESENCE_FLUSH_MS, and before every sweep', async () => {
      const { sut, presence } = setup();
      await sut.reported([{ deviceId: 'd-1', at: T0, correlationId: 'c1' }]);
      expect(presence.markReported).toHaveBeenCalledTimes(1);
      await sut.reported([{ deviceId: 'd-2', at: T0 + 1, correlationId: 'c2' }]);
      expect(presence.markReported).toHaveBeenCalledTimes(1);
      await sut.sweep();
      expect(presence.markReported).toHaveBeenCalledTimes(2);
      expect(presence.markReported).toHaveBeenLastCalledWith([{ deviceId: 'd-2', at: T0 + 1, correlationId: 'c2' }], OFFLINE_RULE_ID);
    });

    it('writes a device again only once its stored arrival is a third of its reporting interval behind', async () => {
      const { sut, presence, clock } = setup();
      const at = (ms: number) => ({ deviceId: 'd-1', at: T0 + ms, correlationId: `c${ms}`, reportIntervalS: 30 });
      await sut.reported([at(0)]);
      clock.advance(5_000);
      await sut.reported([at(5_000)]);
      await sut.sweep();
      expect(presence.markReported).toHaveBeenCalledTimes(1);
      clock.advance(5_000);
      await sut.reported([at(10_000)]);
      expect(presence.markReported).toHaveBeenCalledTimes(2);
      expect(presence.markReported).toHaveBeenLastCalledWith([at(10_000)], OFFLINE_RULE_ID);

      // Gone offline (by its last will): the very next report is written, so the finding clears at once.
      sut.wentOffline('d-1');
      clock.advance(1_000);
      await sut.reported([at(11_000)]);
      expect(presence.markReported).toHaveBeenLastCalledWith([at(11_000)], OFFLINE_RULE_ID);
    });

    it('holds a report within the slack and writes it before a sweep could take the device for silent', async () => {
      const { sut, presence, clock } = setup();
      const at = (ms: number) => ({ deviceId: 'd-1', at: T0 + ms, correlationId: `c${ms}`, reportIntervalS: 30 });
      await sut.reported([at(0)]);
      clock.advance(5_000);
      await sut.reported([at(5_000)]);
      expect(presence.markReported).toHaveBeenCalledTimes(1);
      // Silent since: 59 s after the stored arrival the held one is not yet needed; at two intervals it is, ahead of the sweep's query.
      clock.set(T0 + 59_000);
      await sut.sweep();
      expect(presence.markReported).toHaveBeenCalledTimes(1);
      clock.set(T0 + 60_000);
      await sut.sweep();
      expect(presence.markReported).toHaveBeenCalledTimes(2);
      expect(presence.markReported).toHaveBeenLastCalledWith([at(5_000)], OFFLINE_RULE_ID);
      expect(presence.markReported.mock.invocationCallOrder[1]).toBeLessThan(
        presence.markSilentDevicesOffline.mock.invocationCallOrder.at(-1)!,
      );
    });

    it('writes every held report at shutdown', async () => {
      const { sut, presence, clock } = setup();
      await sut.reported([{ deviceId: 'd-1', at: T0, correlationId: 'c0', reportIntervalS: 30 }]);
      clock.advance(2_000);
      await sut.reported([{ deviceId: 'd-1', at: T0 + 2_000, correlationId: 'c1', reportIntervalS: 30 }]);
      await sut.onModuleDestroy();
      expect(presence.markReported).toHaveBeenLastCalledWith(
        [{ deviceId: 'd-1', at: T0 + 2_000, correlationId: 'c1', reportIntervalS: 30 }],
        OFFLINE_RULE_ID,
      );
    });

    it('writes the next report of a device its own sweep flagged offline', async () => {
      const { sut, presence, clock } = setup([{ id: 'd-1', enterpriseId: 'E1', lastSeenAt: new Date(T0), reportIntervalS: 30 }]);
      await sut.reported([{ deviceId: 'd-1', at: T0, correlationId: 'c0', reportIntervalS: 30 }]);
      clock.advance(2_000);
      await sut.sweep();
      await sut.reported([{ deviceId: 'd-1', at: T0 + 2_000, correlationId: 'c1', reportIntervalS: 30 }]);
      expect(presence.markReported).toHaveBeenCalledTimes(2);
    });

    it('announces nothing when no device was offline', async () => {
      const { sut, findings } = setup();
      await sut.reported([{ deviceId: 'd-1', at: T0, correlationId: 'c' }]);
      expect(findings.publish).not.toHaveBeenCalled();
    });
  });

  describe('schedule', () => {
    it('sweeps every OFFLINE_SWEEP_MS, never two at once, and tries again after a failure', async () => {
      jest.useFakeTimers({ now: T0 });
      const { sut, presence } = setup();
      let finish: () => void = () => undefined;
      presence.markSilentDevicesOffline
        .mockRejectedValueOnce(new Error('connection reset'))
        .mockImplementationOnce(() => new Promise((resolve) => (finish = () => resolve([]))));

      sut.onApplicationBootstrap();
      expect(presence.markSilentDevicesOffline).not.toHaveBeenCalled();

      await jest.advanceTimersByTimeAsync(SWEEP_MS);
      expect(presence.markSilentDevicesOffline).toHaveBeenCalledTimes(1);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('connection reset'));

      await jest.advanceTimersByTimeAsync(SWEEP_MS);
      expect(presence.markSilentDevicesOffline).toHaveBeenCalledTimes(2);
      // The second sweep hangs: no third starts beside it.
      await jest.advanceTimersByTimeAsync(5 * SWEEP_MS);
      expect(presence.markSilentDevicesOffline).toHaveBeenCalledTimes(2);

      finish();
      await jest.advanceTimersByTimeAsync(SWEEP_MS);
      expect(presence.markSilentDevicesOffline).toHaveBeenCalledTimes(3);
      await sut.onModuleDestroy();
    });

    it('stops on module destroy, waiting for the sweep in progress', async () => {
      jest.useFakeTimers({ now: T0 });
      const { sut, presence } = setup();
      let finish: () => void = () => undefined;
      presence.markSilentDevicesOffline.mockImplementationOnce(() => new Promise((resolve) => (finish = () => resolve([]))));
      sut.onApplicationBootstrap();
      await jest.advanceTimersByTimeAsync(SWEEP_MS);

      let stopped = false;
      const stopping = sut.onModuleDestroy().then(() => (stopped = true));
      await jest.advanceTimersByTimeAsync(0);
      expect(stopped).toBe(false);
      finish();
      await stopping;

      await jest.advanceTimersByTimeAsync(10 * SWEEP_MS);
      expect(presence.markSilentDevicesOffline).toHaveBeenCalledTimes(1);
    });
  });
});
