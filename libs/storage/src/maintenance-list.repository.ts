import type { DeviceType, Grade } from '@app/contracts';
import type { SqlClient } from './sql-client';

/** An open fault of one device: what maintenance has to fix, since when. */
export interface MaintenanceItem {
  alarmId: string;
  deviceId: string;
  deviceType: DeviceType;
  enterpriseId: string;
  enterpriseName: string;
  substationId: string;
  ruleId: string;
  metric: string;
  grade: Grade;
  /** What is wrong, as the rule said it last. */
  message: string;
  since: Date;
  updatedAt: Date;
  occurrences: number;
  /** Raised while the device was in test mode. */
  test: boolean;
}

export interface MaintenanceQuery {
  enterpriseId?: string;
  substationId?: string;
  deviceType?: DeviceType;
  /** Only items after this one in the list's order (oldest first): keyset paging. */
  after?: { since: Date; alarmId: string };
  limit: number;
  offset: number;
}

interface MaintenanceRecord {
  id: string;
  device_id: string;
  device_type: DeviceType;
  enterprise_id: string;
  enterprise_name: string;
  substation_id: string;
  rule_id: string;
  metric: string;
  grade: Grade;
  message: string;
  raised_at: Date;
  updated_at: Date;
  occurrences: number;
  test: boolean;
}

/**
 * The maintenance list: every open alarm of class fault (a device's own fault, its battery, its silence),
 * longest-standing first. These never dispatch a crew; this list is where they are worked off.
 */
export class MaintenanceListRepository {
  constructor(private readonly sql: SqlClient) {}

  async list(query: MaintenanceQuery): Promise<MaintenanceItem[]> {
    const where = [`a.status = 'open'`, `a.signal_class = 'fault'`];
    const params: unknown[] = [];
    const filter = (column: string, value: unknown): void => {
      if (value === undefined) return;
      where.push(`${column} = $${params.push(value)}`);
    };
    filter('a.enterprise_id', query.enterpriseId);
    filter('e.substation_id', query.substationId);
    filter('d.type', query.deviceType);
    if (query.after) {
      const at = params.push(query.after.since);
      const id = params.push(query.after.alarmId);
      where.push(`(a.raised_at > $${at} OR (a.raised_at = $${at} AND a.id > $${id}))`);
    }
    const rows = await this.sql.query<MaintenanceRecord>(
      `SELECT a.id, a.device_id, d.type AS device_type, a.enterprise_id, e.name AS enterprise_name, e.substation_id,
              a.rule_id, a.metric, a.grade, a.message, a.raised_at, a.updated_at, a.occurrences, a.test
       FROM alarms a JOIN devices d ON d.id = a.device_id JOIN enterprises e ON e.id = a.enterprise_id
       WHERE ${where.join(' AND ')}
       ORDER BY a.raised_at, a.id LIMIT $${params.push(query.limit)} OFFSET $${params.push(query.offset)}`,
      params,
    );
    return rows.map((r) => ({
      alarmId: r.id,
      deviceId: r.device_id,
      deviceType: r.device_type,
      enterpriseId: r.enterprise_id,
      enterpriseName: r.enterprise_name,
      substationId: r.substation_id,
      ruleId: r.rule_id,
      metric: r.metric,
      grade: r.grade,
      message: r.message,
      since: r.raised_at,
      updatedAt: r.updated_at,
      occurrences: r.occurrences,
      test: r.test,
    }));
  }
}
