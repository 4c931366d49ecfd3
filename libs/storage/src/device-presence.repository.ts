import { OFFLINE_SILENT_INTERVALS } from '@app/domain';
import { ALARM_COLUMNS, toAlarm, type AlarmRecord, type AlarmRow, type RaiseAlarmInput } from './alarms.repository';
import type { SqlClient } from './sql-client';
import { toDate, type Instant } from './sql-values';

/** A device that has reported and then fell silent for longer than OFFLINE_SILENT_INTERVALS of its reporting intervals. */
export interface SilentDevice {
  id: string;
  enterpriseId: string;
  lastSeenAt: Date;
  reportIntervalS: number;
}

export interface OfflineAlarm {
  device: SilentDevice;
  alarm: AlarmRow;
  created: boolean;
}

export interface DeviceReport {
  deviceId: string;
  at: Instant;
}

const QUALIFIED_ALARM_COLUMNS = ALARM_COLUMNS.split(',')
  .map((c) => `a.${c.trim()}`)
  .join(', ');

/**
 * Device presence and the offline finding that follows from it, kept in step:
 * the `online` flag and the device's 'offline' alarm change in one
 * transaction, under the device's row lock. Several risk-engine processes
 * sweep the same table and see reports of different devices; the lock makes
 * each silent device flagged by exactly one of them, and a report racing a
 * sweep waits for it and then finds the alarm to clear.
 */
export class DevicePresenceRepository {
  constructor(private readonly sql: SqlClient) {}

  /**
   * Flags up to `limit` silent devices offline and opens (or updates) their
   * alarm, as `alarmFor` describes it. Silence is counted from the later of
   * the last report and `listeningSince`, so a process that was down does not
   * take the devices it could not hear for silent ones. Devices that never
   * reported are not flagged. Rows another sweep holds are skipped.
   */
  async markSilentDevicesOffline(
    now: Instant,
    listeningSince: Instant,
    limit: number,
    alarmFor: (device: SilentDevice) => RaiseAlarmInput,
  ): Promise<OfflineAlarm[]> {
    return this.sql.transaction(async (tx) => {
      // A disabled device is not flagged (its findings are not graded); one in test mode is flagged as a test alarm.
      const silent = await tx.query<{ id: string; enterprise_id: string; last_seen_at: Date; report_interval_s: number; test: boolean }>(
        `WITH candidates AS (
           SELECT dv.id FROM devices AS dv JOIN enterprises AS en ON en.id = dv.enterprise_id
           WHERE dv.online IS NOT FALSE AND dv.last_seen_at IS NOT NULL
             AND GREATEST(dv.last_seen_at, $2) < $1::timestamptz - dv.report_interval_s * $4 * interval '1 second'
             AND NOT (dv.mode = 'disabled' AND dv.mode_until > $1) AND NOT (en.mode = 'disabled' AND en.mode_until > $1)
           ORDER BY dv.last_seen_at, dv.id
           LIMIT $3
           FOR UPDATE OF dv SKIP LOCKED
         )
         UPDATE devices AS d SET online = false
         FROM candidates AS c
         WHERE d.id = c.id AND d.online IS NOT FALSE
         RETURNING d.id, d.enterprise_id, d.last_seen_at, d.report_interval_s,
           (d.mode = 'test' AND d.mode_until > $1)
             OR EXISTS (SELECT 1 FROM enterprises AS e WHERE e.id = d.enterprise_id AND e.mode = 'test' AND e.mode_until > $1) AS test`,
        [toDate(now), toDate(listeningSince), limit, OFFLINE_SILENT_INTERVALS],
      );
      if (silent.length === 0) return [];
      const devices = new Map<string, SilentDevice>(
        silent.map((r) => [
          r.id,
          { id: r.id, enterpriseId: r.enterprise_id, lastSeenAt: r.last_seen_at, reportIntervalS: r.report_interval_s },
        ]),
      );
      const inTest = new Set(silent.filter((r) => r.test).map((r) => r.id));
      const inputs = [...devices.values()].map(alarmFor);
      const value = (v: RaiseAlarmInput['value']) => (typeof v === 'boolean' ? Number(v) : v);
      const alarms = await tx.query<AlarmRecord & { created: boolean }>(
        `INSERT INTO alarms (id, device_id, enterprise_id, rule_id, signal_class, metric, grade, status, value, message,
                             raised_at, updated_at, occurrences, correlation_id, test)
         SELECT a.id, a.device_id, a.enterprise_id, a.rule_id, a.signal_class, a.metric, a.grade, 'open', a.value, a.message, a.at, a.at, 1, a.correlation_id, a.test
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::float8[], $8::text[], $9::timestamptz[], $10::text[], $11::text[], $12::boolean[])
           AS a(id, device_id, enterprise_id, rule_id, metric, grade, value, message, at, correlation_id, signal_class, test)
         ON CONFLICT (device_id, rule_id) WHERE status = 'open' DO UPDATE
           SET grade = EXCLUDED.grade, value = EXCLUDED.value, message = EXCLUDED.message,
               updated_at = GREATEST(alarms.updated_at, EXCLUDED.updated_at),
               occurrences = alarms.occurrences + 1
         RETURNING ${ALARM_COLUMNS}, (xmax = 0) AS created`,
        [
          inputs.map((a) => a.id),
          inputs.map((a) => a.deviceId),
          inputs.map((a) => a.enterpriseId),
          inputs.map((a) => a.ruleId),
          inputs.map((a) => a.metric),
          inputs.map((a) => a.grade),
          inputs.map((a) => value(a.value)),
          inputs.map((a) => a.message),
          inputs.map((a) => toDate(a.at).toISOString()),
          inputs.map((a) => a.correlationId),
          inputs.map((a) => a.signalClass),
          inputs.map((a) => inTest.has(a.deviceId)),
        ],
      );
      return alarms
        .map((r) => ({ device: devices.get(r.device_id)!, alarm: toAlarm(r), created: r.created }))
        .sort((a, b) => a.device.lastSeenAt.getTime() - b.device.lastSeenAt.getTime() || a.device.id.localeCompare(b.device.id));
    });
  }

  /**
   * Records that devices reported (the latest report of each counts; one
   * older than what is stored is ignored) and marks them online. For those
   * that were offline, clears the open alarm of `offlineRuleId` at the time
   * of the report and returns the cleared alarms.
   */
  async markReported(reports: readonly DeviceReport[], offlineRuleId: string): Promise<AlarmRow[]> {
    const latest = new Map<string, Date>();
    for (const r of reports) {
      const at = toDate(r.at);
      const known = latest.get(r.deviceId);
      if (!known || known < at) latest.set(r.deviceId, at);
    }
    if (latest.size === 0) return [];
    const ids = [...latest.keys()].sort();
    return this.sql.transaction(async (tx) => {
      // FOR UPDATE reads `online` as committed by a sweep this waits for, not as of the statement's start.
      const seen = await tx.query<{ id: string; at: Date; was_offline: boolean }>(
        `WITH u AS (SELECT * FROM unnest($1::text[], $2::timestamptz[]) AS u(id, at)),
         prev AS (SELECT d.id, d.online FROM devices AS d JOIN u ON u.id = d.id ORDER BY d.id FOR UPDATE OF d)
         UPDATE devices AS d SET last_seen_at = u.at, online = true
         FROM u, prev
         WHERE d.id = u.id AND prev.id = d.id AND (d.last_seen_at IS NULL OR d.last_seen_at <= u.at)
         RETURNING d.id, u.at, prev.online IS FALSE AS was_offline`,
        [ids, ids.map((id) => latest.get(id)!.toISOString())],
      );
      const back = seen.filter((r) => r.was_offline);
      if (back.length === 0) return [];
      // A new statement, so a new snapshot: it sees the alarm the sweep committed before releasing the row.
      const cleared = await tx.query<AlarmRecord>(
        `UPDATE alarms AS a SET status = 'cleared', cleared_at = GREATEST(b.at, a.updated_at), updated_at = GREATEST(b.at, a.updated_at)
         FROM unnest($1::text[], $2::timestamptz[]) AS b(id, at)
         WHERE a.device_id = b.id AND a.rule_id = $3 AND a.status = 'open'
         RETURNING ${QUALIFIED_ALARM_COLUMNS}`,
        [back.map((r) => r.id), back.map((r) => r.at.toISOString()), offlineRuleId],
      );
      return cleared.map(toAlarm);
    });
  }
}
