import type { DeviceType, Grade } from '@app/contracts';
import { REGISTER_KINDS, type RegisterRows } from '@app/domain';
import type { GradeFunction } from './grade-changes.repository';
import type { SqlClient, SqlExecutor } from './sql-client';
import { jsonParam, toDate, type Instant } from './sql-values';
import type {
  ContactRow,
  DeviceDetailRow,
  EnterpriseDetailRow,
  EnterpriseRow,
  RegisteredDeviceRow,
  StoredArea,
  StoredHazards,
  SubstationRow,
} from './zone-rows';
import type { ZoneSeedInput } from './zone-seed-input';

const SEED_LOCK_KEY = 7_316_452_002;

/** Rolls back an insert-only write that found one of its ids stored. */
class AlreadyStored extends Error {}

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

interface RegisterEnterpriseRecord {
  id: string;
  name: string;
  industry: string;
  address: string;
  lat: number;
  lon: number;
  substation_id: string;
  status: 'active' | 'retired';
  hazards: StoredHazards;
  profile: { floors: number | null; areaM2: number | null; occupants: number | null };
  indicators: Record<string, number | boolean | string>;
}

interface ContactRecord {
  id: string;
  name: string;
  phone: string;
  email: string;
  role: 'responsible' | 'duty' | 'manager';
  enterprise_id: string | null;
  substation_id: string | null;
  status: 'active' | 'retired';
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
  /** Whether the database holds a zone yet (a first start finds none). */
  async hasZone(): Promise<boolean> {
    return (await this.sql.query('SELECT 1 FROM substations LIMIT 1')).length > 0;
  }

  async seedIfEmpty(zone: ZoneSeedInput, grade: GradeFunction, at: Instant): Promise<boolean> {
    return this.applyRegister(seedAsRegister(zone), grade, at, { onlyIfEmpty: true });
  }

  /** The register as stored, in the shapes an import takes and an export gives, each kind in id order. */
  async loadRegister(): Promise<RegisterRows> {
    const [substations, enterprises, devices, contacts] = await Promise.all([
      this.sql.query<SubstationRecord & { status: 'active' | 'retired' }>(
        'SELECT id, name, lat, lon, area, capacity, status FROM substations ORDER BY id',
      ),
      this.sql.query<RegisterEnterpriseRecord>(
        `SELECT id, name, industry, address, lat, lon, substation_id, status, hazards, profile, indicators FROM enterprises ORDER BY id`,
      ),
      this.sql.query<DeviceRecord & { status: 'active' | 'retired' }>(
        'SELECT id, enterprise_id, type, report_interval_s, status FROM devices ORDER BY id',
      ),
      this.sql.query<ContactRecord>('SELECT id, name, phone, email, role, enterprise_id, substation_id, status FROM contacts ORDER BY id'),
    ]);
    return {
      substations: substations.map((r) => ({
        id: r.id,
        name: r.name,
        location: { lat: r.lat, lon: r.lon },
        area: { minLat: r.area.minLat, minLon: r.area.minLon, maxLat: r.area.maxLat, maxLon: r.area.maxLon },
        capacity: r.capacity,
        status: r.status,
      })),
      enterprises: enterprises.map((r) => ({
        id: r.id,
        name: r.name,
        industry: r.industry,
        address: r.address,
        location: { lat: r.lat, lon: r.lon },
        substationId: r.substation_id,
        status: r.status,
        hazards: r.hazards,
        profile: r.profile,
        indicators: r.indicators,
      })),
      devices: devices.map((r) => ({
        id: r.id,
        enterpriseId: r.enterprise_id,
        type: r.type,
        reportIntervalS: r.report_interval_s,
        status: r.status,
      })),
      contacts: contacts.map((r) => ({
        id: r.id,
        name: r.name,
        phone: r.phone,
        email: r.email,
        role: r.role,
        enterpriseId: r.enterprise_id,
        substationId: r.substation_id,
        status: r.status,
      })),
    };
  }

  /**
   * Writes the rows an import creates or changes, all in one transaction (one multi-row upsert per kind, in
   * dependency order), so an import is applied whole or not at all. A new enterprise is stored with the grade
   * its standing hazards give, like a seeded one; an existing one keeps its grade here (regrading one whose
   * hazards changed is the risk engine's, told through the bus). With onlyIfEmpty it writes nothing, and
   * returns false, when the zone already has substations: the first start of several processes seeds once.
   */
  async applyRegister(changes: RegisterRows, grade: GradeFunction, at: Instant, options: { onlyIfEmpty?: boolean } = {}): Promise<boolean> {
    return this.sql.transaction(async (tx) => {
      if (options.onlyIfEmpty) {
        if (this.sql.kind === 'pg') await tx.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK_KEY]);
        if ((await tx.query('SELECT 1 FROM substations LIMIT 1')).length > 0) return false;
      }
      await this.writeRows(tx, changes, grade, at, 'update');
      return true;
    });
  }

  /**
   * Writes new rows only (a POST): an id already stored is left as it is and nothing is written, in one transaction,
   * so of two creations of one id at once exactly one writes and the other answers false, whatever they read before.
   */
  async createRegisterRows(changes: RegisterRows, grade: GradeFunction, at: Instant): Promise<boolean> {
    const rows = REGISTER_KINDS.reduce((n, kind) => n + changes[kind].length, 0);
    try {
      return await this.sql.transaction(async (tx) => {
        if ((await this.writeRows(tx, changes, grade, at, 'nothing')) < rows) throw new AlreadyStored();
        return true;
      });
    } catch (e) {
      if (e instanceof AlreadyStored) return false;
      throw e;
    }
  }

  /** One multi-row insert per kind, in dependency order; answers how many rows were written. */
  private async writeRows(
    tx: SqlExecutor,
    changes: RegisterRows,
    grade: GradeFunction,
    at: Instant,
    conflict: 'update' | 'nothing',
  ): Promise<number> {
    const onConflict = (set: string) => (conflict === 'update' ? `DO UPDATE SET ${set}` : 'DO NOTHING');
    let written = 0;
    const s = changes.substations;
    if (s.length)
      written += (
        await tx.query(
          `INSERT INTO substations (id, name, lat, lon, area, capacity, status)
           SELECT * FROM unnest($1::text[], $2::text[], $3::float8[], $4::float8[], $5::jsonb[], $6::int[], $7::text[])
           ON CONFLICT (id) ${onConflict(`name = excluded.name, lat = excluded.lat, lon = excluded.lon, area = excluded.area,
             capacity = excluded.capacity, status = excluded.status`)} RETURNING id`,
          [
            s.map((x) => x.id),
            s.map((x) => x.name),
            s.map((x) => x.location.lat),
            s.map((x) => x.location.lon),
            s.map((x) => jsonParam(x.area)),
            s.map((x) => x.capacity),
            s.map((x) => x.status),
          ],
        )
      ).length;
    const e = changes.enterprises;
    const graded = e.map((x) => grade([], x.hazards, []));
    if (e.length)
      written += (
        await tx.query(
          `INSERT INTO enterprises (id, name, industry, address, lat, lon, substation_id, status, hazards, profile, indicators,
             grade, grade_reasons, grade_at)
           SELECT *, $14::timestamptz FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[],
             $7::text[], $8::text[], $9::jsonb[], $10::jsonb[], $11::jsonb[], $12::text[], $13::jsonb[])
           ON CONFLICT (id) ${onConflict(`name = excluded.name, industry = excluded.industry, address = excluded.address,
             lat = excluded.lat, lon = excluded.lon, substation_id = excluded.substation_id, status = excluded.status,
             hazards = excluded.hazards, profile = excluded.profile, indicators = excluded.indicators`)} RETURNING id`,
          [
            e.map((x) => x.id),
            e.map((x) => x.name),
            e.map((x) => x.industry),
            e.map((x) => x.address),
            e.map((x) => x.location.lat),
            e.map((x) => x.location.lon),
            e.map((x) => x.substationId),
            e.map((x) => x.status),
            e.map((x) => jsonParam(x.hazards)),
            e.map((x) => jsonParam(x.profile)),
            e.map((x) => jsonParam(x.indicators)),
            graded.map((g) => g.grade),
            graded.map((g) => jsonParam(g.reasons)),
            toDate(at),
          ],
        )
      ).length;
    const d = changes.devices;
    if (d.length)
      written += (
        await tx.query(
          `INSERT INTO devices (id, enterprise_id, type, report_interval_s, status)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[])
           ON CONFLICT (id) ${onConflict(`enterprise_id = excluded.enterprise_id, type = excluded.type,
             report_interval_s = excluded.report_interval_s, status = excluded.status`)} RETURNING id`,
          [d.map((x) => x.id), d.map((x) => x.enterpriseId), d.map((x) => x.type), d.map((x) => x.reportIntervalS), d.map((x) => x.status)],
        )
      ).length;
    const c = changes.contacts;
    if (c.length)
      written += (
        await tx.query(
          `INSERT INTO contacts (id, name, phone, email, role, enterprise_id, substation_id, status)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
           ON CONFLICT (id) ${onConflict(`name = excluded.name, phone = excluded.phone, email = excluded.email,
             role = excluded.role, enterprise_id = excluded.enterprise_id, substation_id = excluded.substation_id,
             status = excluded.status`)} RETURNING id`,
          [
            c.map((x) => x.id),
            c.map((x) => x.name),
            c.map((x) => x.phone),
            c.map((x) => x.email),
            c.map((x) => x.role),
            c.map((x) => x.enterpriseId),
            c.map((x) => x.substationId),
            c.map((x) => x.status),
          ],
        )
      ).length;
    return written;
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

  /** The enterprise with its register fields (address, status, profile, indicators) as well as its grade. */
  async getEnterpriseDetail(id: string): Promise<EnterpriseDetailRow | null> {
    const rows = await this.sql.query<EnterpriseRecord & Pick<RegisterEnterpriseRecord, 'address' | 'status' | 'profile' | 'indicators'>>(
      `SELECT ${ENTERPRISE_COLUMNS}, address, status, profile, indicators FROM enterprises WHERE id = $1`,
      [id],
    );
    if (rows.length === 0) return null;
    const r = rows[0];
    return { ...toEnterprise(r), address: r.address, status: r.status, profile: r.profile, indicators: r.indicators };
  }

  async contactsOfEnterprise(enterpriseId: string): Promise<ContactRow[]> {
    return this.sql.query<ContactRow>('SELECT id, name, phone, email, role FROM contacts WHERE enterprise_id = $1 ORDER BY id', [
      enterpriseId,
    ]);
  }

  async updateEnterpriseGrade(id: string, grade: Grade, reasons: readonly string[], at: Instant): Promise<boolean> {
    const rows = await this.sql.query(
      'UPDATE enterprises SET grade = $2, grade_reasons = $3::jsonb, grade_at = $4 WHERE id = $1 RETURNING id',
      [id, grade, jsonParam(reasons), toDate(at)],
    );
    return rows.length > 0;
  }

  /** Every device, retired ones too (the edge names why it refuses them); a device of a retired enterprise is retired. */
  async listDevices(): Promise<RegisteredDeviceRow[]> {
    const rows = await this.sql.query<DeviceRecord & { status: 'active' | 'retired' }>(
      `SELECT d.id, d.enterprise_id, d.type, d.report_interval_s,
              CASE WHEN d.status = 'retired' OR e.status = 'retired' THEN 'retired' ELSE 'active' END AS status
         FROM devices d JOIN enterprises e ON e.id = d.enterprise_id ORDER BY d.id`,
    );
    return rows.map((r) => ({
      id: r.id,
      enterpriseId: r.enterprise_id,
      type: r.type,
      reportIntervalS: r.report_interval_s,
      status: r.status,
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

/** A generated zone as register rows with the register's defaults (active, no address, profile or indicators, no contacts). */
function seedAsRegister(zone: ZoneSeedInput): RegisterRows {
  return {
    substations: zone.substations.map(({ id, name, location, area, capacity }) => ({
      id,
      name,
      location,
      area,
      capacity,
      status: 'active',
    })),
    enterprises: zone.enterprises.map(({ id, name, industry, location, substationId, hazards }) => ({
      id,
      name,
      industry,
      address: '',
      location,
      substationId,
      status: 'active',
      hazards,
      profile: { floors: null, areaM2: null, occupants: null },
      indicators: {},
    })),
    devices: zone.devices.map(({ id, enterpriseId, type, reportIntervalS }) => ({
      id,
      enterpriseId,
      type,
      reportIntervalS,
      status: 'active',
    })),
    contacts: [],
  };
}
