import type { DeviceType, Grade } from '@app/contracts';
import type { GradeFunction } from './grade-changes.repository';
import type { SqlClient } from './sql-client';
import { jsonParam, toDate, type Instant } from './sql-values';
import type { DeviceDetailRow, DeviceRow, EnterpriseRow, StoredArea, StoredHazards, SubstationRow } from './zone-rows';
import type { ZoneSeedInput } from './zone-seed-input';

const SEED_LOCK_KEY = 7_316_452_002;

interface SubstationRecord {
  id: string;
  name: string;
  lat: number;
  lon: number;
  area: StoredArea;
  capacity: number;
  available: boolean;
}

interface EnterpriseRecord {
  id: string;
  name: string;
  industry: string;
  lat: number;
  lon: number;
  substation_id: string;
  hazards: StoredHazards;
  grade: Grade | null;
  grade_reasons: string[];
  grade_at: Date | null;
}

interface DeviceRecord {
  id: string;
  enterprise_id: string;
  type: DeviceType;
  report_interval_s: number;
  last_seen_at: Date | null;
  online: boolean | null;
}

const ENTERPRISE_COLUMNS = 'id, name, industry, lat, lon, substation_id, hazards, grade, grade_reasons, grade_at';
const DEVICE_COLUMNS = 'id, enterprise_id, type, report_interval_s, last_seen_at, online';

export interface DeviceSeen {
  deviceId: string;
  at: Instant;
  online: boolean;
}

/** Substations, enterprises and devices of the zone, and their slowly changing state. */
export class ZoneRepository {
  constructor(private readonly sql: SqlClient) {}

  /**
   * Seeds an empty database; returns false (and writes nothing) when the zone is already there.
   * Every enterprise is stored with the grade its standing hazards give (no finding yet), so it
   * has one from the start; that is no grade change and no event, so nothing is dispatched for it.
   */
  async seedIfEmpty(zone: ZoneSeedInput, grade: GradeFunction, at: Instant): Promise<boolean> {
    return this.sql.transaction(async (tx) => {
      if (this.sql.kind === 'pg') await tx.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK_KEY]);
      const existing = await tx.query('SELECT 1 FROM substations LIMIT 1');
      if (existing.length > 0) return false;

      const s = zone.substations;
      await tx.query(
        `INSERT INTO substations (id, name, lat, lon, area, capacity, available)
         SELECT * FROM unnest($1::text[], $2::text[], $3::float8[], $4::float8[], $5::jsonb[], $6::int[], $7::bool[])`,
        [
          s.map((x) => x.id),
          s.map((x) => x.name),
          s.map((x) => x.location.lat),
          s.map((x) => x.location.lon),
          s.map((x) => jsonParam(x.area)),
          s.map((x) => x.capacity),
          s.map((x) => x.available ?? true),
        ],
      );
      const e = zone.enterprises;
      const graded = e.map((x) => grade([], x.hazards));
      await tx.query(
        `INSERT INTO enterprises (id, name, industry, lat, lon, substation_id, hazards, grade, grade_reasons, grade_at)
         SELECT *, $10::timestamptz FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::float8[], $6::text[], $7::jsonb[],
           $8::text[], $9::jsonb[])`,
        [
          e.map((x) => x.id),
          e.map((x) => x.name),
          e.map((x) => x.industry),
          e.map((x) => x.location.lat),
          e.map((x) => x.location.lon),
          e.map((x) => x.substationId),
          e.map((x) => jsonParam(x.hazards)),
          graded.map((g) => g.grade),
          graded.map((g) => jsonParam(g.reasons)),
          toDate(at),
        ],
      );
      const d = zone.devices;
      await tx.query(
        `INSERT INTO devices (id, enterprise_id, type, report_interval_s)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[])`,
        [d.map((x) => x.id), d.map((x) => x.enterpriseId), d.map((x) => x.type), d.map((x) => x.reportIntervalS)],
      );
      return true;
    });
  }

  async listSubstations(): Promise<SubstationRow[]> {
    const rows = await this.sql.query<SubstationRecord>(
      'SELECT id, name, lat, lon, area, capacity, available FROM substations ORDER BY id',
    );
    return rows.map(toSubstation);
  }

  async setSubstationAvailable(id: string, available: boolean): Promise<boolean> {
    const rows = await this.sql.query('UPDATE substations SET available = $2 WHERE id = $1 RETURNING id', [id, available]);
    return rows.length > 0;
  }

  async listEnterprises(): Promise<EnterpriseRow[]> {
    const rows = await this.sql.query<EnterpriseRecord>(`SELECT ${ENTERPRISE_COLUMNS} FROM enterprises ORDER BY id`);
    return rows.map(toEnterprise);
  }

  async getEnterprise(id: string): Promise<EnterpriseRow | null> {
    const rows = await this.sql.query<EnterpriseRecord>(`SELECT ${ENTERPRISE_COLUMNS} FROM enterprises WHERE id = $1`, [id]);
    return rows.length > 0 ? toEnterprise(rows[0]) : null;
  }

  async updateEnterpriseGrade(id: string, grade: Grade, reasons: readonly string[], at: Instant): Promise<boolean> {
    const rows = await this.sql.query(
      'UPDATE enterprises SET grade = $2, grade_reasons = $3::jsonb, grade_at = $4 WHERE id = $1 RETURNING id',
      [id, grade, jsonParam(reasons), toDate(at)],
    );
    return rows.length > 0;
  }

  async listDevices(): Promise<DeviceRow[]> {
    const rows = await this.sql.query<DeviceRecord>('SELECT id, enterprise_id, type, report_interval_s FROM devices ORDER BY id');
    return rows.map((r) => ({
      id: r.id,
      enterpriseId: r.enterprise_id,
      type: r.type,
      reportIntervalS: r.report_interval_s,
    }));
  }

  async getDevice(id: string): Promise<DeviceDetailRow | null> {
    const rows = await this.sql.query<DeviceRecord>(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE id = $1`, [id]);
    return rows.length > 0 ? toDeviceDetail(rows[0]) : null;
  }

  async devicesOfEnterprise(enterpriseId: string): Promise<DeviceDetailRow[]> {
    const rows = await this.sql.query<DeviceRecord>(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE enterprise_id = $1 ORDER BY id`, [
      enterpriseId,
    ]);
    return rows.map(toDeviceDetail);
  }

  /** Records presence; an item older than what is stored is ignored, so late deliveries cannot flip the state back. */
  async setDeviceSeen(items: readonly DeviceSeen[]): Promise<number> {
    const latest = new Map<string, { at: Date; online: boolean }>();
    for (const item of items) {
      const at = toDate(item.at);
      const known = latest.get(item.deviceId);
      if (!known || known.at <= at) latest.set(item.deviceId, { at, online: item.online });
    }
    if (latest.size === 0) return 0;
    const ids = [...latest.keys()];
    const rows = await this.sql.query(
      `UPDATE devices AS d SET last_seen_at = u.at, online = u.online
       FROM unnest($1::text[], $2::timestamptz[], $3::bool[]) AS u(id, at, online)
       WHERE d.id = u.id AND (d.last_seen_at IS NULL OR d.last_seen_at <= u.at)
       RETURNING d.id`,
      [ids, ids.map((id) => latest.get(id)!.at.toISOString()), ids.map((id) => latest.get(id)!.online)],
    );
    return rows.length;
  }
}

function toSubstation(r: SubstationRecord): SubstationRow {
  return {
    id: r.id,
    name: r.name,
    location: { lat: r.lat, lon: r.lon },
    area: r.area,
    capacity: r.capacity,
    available: r.available,
  };
}

function toEnterprise(r: EnterpriseRecord): EnterpriseRow {
  return {
    id: r.id,
    name: r.name,
    industry: r.industry,
    location: { lat: r.lat, lon: r.lon },
    substationId: r.substation_id,
    hazards: r.hazards,
    grade: r.grade,
    gradeReasons: r.grade_reasons,
    gradeAt: r.grade_at,
  };
}

function toDeviceDetail(r: DeviceRecord): DeviceDetailRow {
  return {
    id: r.id,
    enterpriseId: r.enterprise_id,
    type: r.type,
    reportIntervalS: r.report_interval_s,
    lastSeenAt: r.last_seen_at,
    online: r.online,
  };
}
