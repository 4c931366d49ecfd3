import type { DeviceType } from '@app/contracts';
import type { SqlClient } from './sql-client';

export interface DeviceListQuery {
  /** Devices whose id starts with this, whatever the case. */
  idPrefix?: string;
  enterpriseId?: string;
  type?: DeviceType;
  status?: 'active' | 'retired';
  online?: boolean;
  /** Continue after this device id (the list is in id order). */
  afterId?: string;
  limit: number;
  offset: number;
}

/** A device of the register with its presence: never reported counts as offline, lastSeenAt null. */
export interface ListedDevice {
  id: string;
  enterpriseId: string;
  type: DeviceType;
  reportIntervalS: number;
  status: 'active' | 'retired';
  online: boolean;
  lastSeenAt: Date | null;
}

export interface DevicePage {
  /** Devices that match the filters, whatever the page. */
  total: number;
  items: ListedDevice[];
}

interface ListedDeviceRecord {
  id: string;
  enterprise_id: string;
  type: DeviceType;
  report_interval_s: number;
  status: 'active' | 'retired';
  online: boolean;
  last_seen_at: Date | null;
}

/** The register's devices, filtered and paged in id order; a device of a retired enterprise is retired. */
export class DeviceListRepository {
  constructor(private readonly sql: SqlClient) {}

  async list(query: DeviceListQuery): Promise<DevicePage> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (condition: (p: string) => string, value: unknown): void => {
      params.push(value);
      where.push(condition(`$${params.length}`));
    };
    if (query.idPrefix !== undefined) add((p) => `starts_with(lower(d.id), lower(${p}))`, query.idPrefix);
    if (query.enterpriseId !== undefined) add((p) => `d.enterprise_id = ${p}`, query.enterpriseId);
    if (query.type !== undefined) add((p) => `d.type = ${p}`, query.type);
    if (query.status === 'retired') where.push(`(d.status = 'retired' OR e.status = 'retired')`);
    if (query.status === 'active') where.push(`d.status <> 'retired' AND e.status <> 'retired'`);
    if (query.online !== undefined) add((p) => `(d.online IS TRUE) = ${p}`, query.online);
    const from = 'FROM devices d JOIN enterprises e ON e.id = d.enterprise_id';
    const whereOf = (conditions: string[]) => (conditions.length ? `WHERE ${conditions.join(' AND ')}` : '');
    const total = this.sql.query<{ total: number }>(`SELECT count(*)::int AS total ${from} ${whereOf(where)}`, [...params]);
    if (query.afterId !== undefined) add((p) => `d.id > ${p}`, query.afterId);
    params.push(query.limit, query.offset);
    const rows = this.sql.query<ListedDeviceRecord>(
      `SELECT d.id, d.enterprise_id, d.type, d.report_interval_s, d.last_seen_at, d.online IS TRUE AS online,
              CASE WHEN d.status = 'retired' OR e.status = 'retired' THEN 'retired' ELSE 'active' END AS status
       ${from} ${whereOf(where)}
       ORDER BY d.id LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    const [count, page] = await Promise.all([total, rows]);
    return {
      total: count[0].total,
      items: page.map((r) => ({
        id: r.id,
        enterpriseId: r.enterprise_id,
        type: r.type,
        reportIntervalS: r.report_interval_s,
        status: r.status,
        online: r.online,
        lastSeenAt: r.last_seen_at,
      })),
    };
  }
}
