import type { Grade, SignalClass } from '@app/contracts';
import type { SqlClient } from './sql-client';
import { toDate, type Instant } from './sql-values';

export type AlarmStatus = 'open' | 'cleared';

export interface AlarmRow {
  id: string;
  deviceId: string;
  enterpriseId: string;
  ruleId: string;
  signalClass: SignalClass;
  metric: string;
  grade: Grade;
  status: AlarmStatus;
  value: number | null;
  message: string;
  raisedAt: Date;
  updatedAt: Date;
  clearedAt: Date | null;
  occurrences: number;
  correlationId: string;
  /** Raised while its device or enterprise was in test mode: it opens no incident and moves no grade. */
  test: boolean;
}

export interface RaiseAlarmInput {
  /** Used only when no alarm of this device and rule is open. */
  id: string;
  deviceId: string;
  enterpriseId: string;
  ruleId: string;
  signalClass: SignalClass;
  metric: string;
  grade: Grade;
  value: number | boolean | null;
  message: string;
  at: Instant;
  correlationId: string;
  /** Taken only when the alarm opens: an open alarm keeps the mode it was raised in. */
  test?: boolean;
}

export interface AlarmQuery {
  status?: AlarmStatus;
  grade?: Grade;
  signalClass?: SignalClass;
  enterpriseId?: string;
  deviceId?: string;
  /** Only alarms after this one in the list's order (newest first): keyset paging. */
  after?: { raisedAt: Date; id: string };
  limit?: number;
  offset?: number;
}

export interface AlarmRecord {
  id: string;
  device_id: string;
  enterprise_id: string;
  rule_id: string;
  signal_class: SignalClass;
  metric: string;
  grade: Grade;
  status: AlarmStatus;
  value: number | null;
  message: string;
  raised_at: Date;
  updated_at: Date;
  cleared_at: Date | null;
  occurrences: number;
  correlation_id: string;
  test: boolean;
}

export const ALARM_COLUMNS =
  'id, device_id, enterprise_id, rule_id, signal_class, metric, grade, status, value, message, raised_at, updated_at, cleared_at, occurrences, correlation_id, test';
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
const UNIQUE_VIOLATION = '23505';

/** Alarms, at most one open per device and rule. */
export class AlarmsRepository {
  constructor(private readonly sql: SqlClient) {}

  /**
   * Opens an alarm, or, if one is already open for the device and rule, updates
   * its grade, value and message and counts the occurrence. The partial unique
   * index is the arbiter, so concurrent callers cannot open two.
   */
  async raise(a: RaiseAlarmInput): Promise<{ alarm: AlarmRow; created: boolean }> {
    const at = toDate(a.at);
    const value = typeof a.value === 'boolean' ? Number(a.value) : a.value;
    try {
      const rows = await this.sql.query<AlarmRecord & { created: boolean }>(
        `INSERT INTO alarms (id, device_id, enterprise_id, rule_id, signal_class, metric, grade, status, value, message,
                             raised_at, updated_at, occurrences, correlation_id, test)
         VALUES ($1, $2, $3, $4, $11, $5, $6, 'open', $7, $8, $9, $9, 1, $10, $12)
         ON CONFLICT (device_id, rule_id) WHERE status = 'open' DO UPDATE
           SET grade = EXCLUDED.grade, value = EXCLUDED.value, message = EXCLUDED.message,
               updated_at = GREATEST(alarms.updated_at, EXCLUDED.updated_at),
               occurrences = alarms.occurrences + 1
         RETURNING ${ALARM_COLUMNS}, (xmax = 0) AS created`,
        [
          a.id,
          a.deviceId,
          a.enterpriseId,
          a.ruleId,
          a.metric,
          a.grade,
          value,
          a.message,
          at,
          a.correlationId,
          a.signalClass,
          a.test ?? false,
        ],
      );
      return { alarm: toAlarm(rows[0]), created: rows[0].created };
    } catch (err) {
      // A redelivered raise whose alarm has been cleared since: the id is taken, nothing new happened.
      if ((err as { code?: string }).code === UNIQUE_VIOLATION) {
        const existing = await this.get(a.id);
        if (existing) return { alarm: existing, created: false };
      }
      throw err;
    }
  }

  /** A grade or value change of an open alarm; opens one if it was cleared meanwhile. */
  update(a: RaiseAlarmInput): Promise<{ alarm: AlarmRow; created: boolean }> {
    return this.raise(a);
  }

  async clear(deviceId: string, ruleId: string, at: Instant): Promise<AlarmRow | null> {
    const rows = await this.sql.query<AlarmRecord>(
      `UPDATE alarms SET status = 'cleared', cleared_at = $3, updated_at = $3
       WHERE device_id = $1 AND rule_id = $2 AND status = 'open'
       RETURNING ${ALARM_COLUMNS}`,
      [deviceId, ruleId, toDate(at)],
    );
    return rows.length > 0 ? toAlarm(rows[0]) : null;
  }

  async list(query: AlarmQuery = {}): Promise<AlarmRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const filter = (column: string, value: unknown): void => {
      if (value === undefined) return;
      params.push(value);
      where.push(`${column} = $${params.length}`);
    };
    filter('status', query.status);
    filter('grade', query.grade);
    filter('signal_class', query.signalClass);
    filter('enterprise_id', query.enterpriseId);
    filter('device_id', query.deviceId);
    if (query.after) {
      params.push(query.after.raisedAt, query.after.id);
      where.push(`(raised_at < $${params.length - 1} OR (raised_at = $${params.length - 1} AND id > $${params.length}))`);
    }
    params.push(Math.min(Math.max(query.limit ?? DEFAULT_LIMIT, 0), MAX_LIMIT), Math.max(query.offset ?? 0, 0));
    const rows = await this.sql.query<AlarmRecord>(
      `SELECT ${ALARM_COLUMNS} FROM alarms ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY raised_at DESC, id LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    return rows.map(toAlarm);
  }

  async get(id: string): Promise<AlarmRow | null> {
    const rows = await this.sql.query<AlarmRecord>(`SELECT ${ALARM_COLUMNS} FROM alarms WHERE id = $1`, [id]);
    return rows.length > 0 ? toAlarm(rows[0]) : null;
  }

  async openForEnterprise(enterpriseId: string): Promise<AlarmRow[]> {
    const rows = await this.sql.query<AlarmRecord>(
      `SELECT ${ALARM_COLUMNS} FROM alarms WHERE enterprise_id = $1 AND status = 'open' ORDER BY raised_at, id`,
      [enterpriseId],
    );
    return rows.map(toAlarm);
  }

  async openAll(): Promise<AlarmRow[]> {
    const rows = await this.sql.query<AlarmRecord>(`SELECT ${ALARM_COLUMNS} FROM alarms WHERE status = 'open' ORDER BY raised_at, id`);
    return rows.map(toAlarm);
  }
}

export function toAlarm(r: AlarmRecord): AlarmRow {
  return {
    id: r.id,
    deviceId: r.device_id,
    enterpriseId: r.enterprise_id,
    ruleId: r.rule_id,
    signalClass: r.signal_class,
    metric: r.metric,
    grade: r.grade,
    status: r.status,
    value: r.value,
    message: r.message,
    raisedAt: r.raised_at,
    updatedAt: r.updated_at,
    clearedAt: r.cleared_at,
    occurrences: r.occurrences,
    correlationId: r.correlation_id,
    test: r.test,
  };
}
