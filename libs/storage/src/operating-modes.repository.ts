import { effectiveMode, type OperatingMode, type StoredMode } from '@app/domain';
import { ALARM_COLUMNS, toAlarm, type AlarmRecord, type AlarmRow } from './alarms.repository';
import type { SqlClient, SqlExecutor } from './sql-client';
import { toDate, type Instant } from './sql-values';

/** What a mode is set on: one device, or an enterprise and so all of its devices. */
export type ModeTarget = 'device' | 'enterprise';

export interface OperatingModeRow {
  mode: OperatingMode;
  until: Date | null;
  reason: string | null;
  setBy: string | null;
  setAt: Date | null;
}

export interface NextMode {
  mode: OperatingMode;
  until: Instant | null;
  reason: string | null;
}

export interface OperatingModeChange {
  target: ModeTarget;
  id: string;
  /** The enterprise whose grade the change may move: the device's, or the enterprise itself. */
  enterpriseId: string;
  before: OperatingModeRow;
  after: OperatingModeRow;
  /** Every device the change governs; their rule state starts afresh. */
  deviceIds: string[];
  /** Open alarms that no longer fit the mode now in force, cleared by the change. */
  cleared: AlarmRow[];
}

/** The modes stored as not normal whose until is still ahead, by device and by enterprise id. */
export interface ModesInForce {
  devices: Map<string, StoredMode>;
  enterprises: Map<string, StoredMode>;
}

interface ModeRecord {
  id: string;
  enterprise_id: string;
  mode: OperatingMode;
  mode_until: Date | null;
  mode_reason: string | null;
  mode_set_by: string | null;
  mode_set_at: Date | null;
}

const TABLES: Record<ModeTarget, { table: string; enterpriseId: string }> = {
  device: { table: 'devices', enterpriseId: 'enterprise_id' },
  enterprise: { table: 'enterprises', enterpriseId: 'id' },
};
const MODE_COLUMNS = 'mode, mode_until, mode_reason, mode_set_by, mode_set_at';

function toMode(r: ModeRecord): OperatingModeRow {
  return { mode: r.mode, until: r.mode_until, reason: r.mode_reason, setBy: r.mode_set_by, setAt: r.mode_set_at };
}

const stored = (mode: OperatingMode, until: Date | null): StoredMode => ({ mode, until: until?.getTime() ?? null });

/** Test and disable modes of devices and enterprises, and what a change of mode does to their open alarms. */
export class OperatingModesRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Null when there is no such device or enterprise. */
  async get(target: ModeTarget, id: string): Promise<OperatingModeRow | null> {
    const rows = await this.sql.query<ModeRecord>(`SELECT id, ${MODE_COLUMNS} FROM ${TABLES[target].table} WHERE id = $1`, [id]);
    return rows.length > 0 ? toMode(rows[0]) : null;
  }

  /** The stored modes of these ids (all of them; normal included). */
  async of(target: ModeTarget, ids: readonly string[]): Promise<Map<string, OperatingModeRow>> {
    if (ids.length === 0) return new Map();
    const rows = await this.sql.query<ModeRecord>(`SELECT id, ${MODE_COLUMNS} FROM ${TABLES[target].table} WHERE id = ANY($1::text[])`, [
      ids,
    ]);
    return new Map(rows.map((r) => [r.id, toMode(r)]));
  }

  async inForce(at: Instant): Promise<ModesInForce> {
    const read = (table: string) =>
      this.sql.query<ModeRecord>(`SELECT id, mode, mode_until FROM ${table} WHERE mode <> 'normal' AND mode_until > $1`, [toDate(at)]);
    const [devices, enterprises] = await Promise.all([read('devices'), read('enterprises')]);
    const byId = (rows: ModeRecord[]) => new Map(rows.map((r) => [r.id, stored(r.mode, r.mode_until)]));
    return { devices: byId(devices), enterprises: byId(enterprises) };
  }

  /** Devices and enterprises whose test or disabled mode has ended by `at` and is still stored. */
  async expired(at: Instant): Promise<Array<{ target: ModeTarget; id: string }>> {
    const read = (target: ModeTarget) =>
      this.sql
        .query<{ id: string }>(`SELECT id FROM ${TABLES[target].table} WHERE mode <> 'normal' AND mode_until <= $1 ORDER BY id`, [
          toDate(at),
        ])
        .then((rows) => rows.map((r) => ({ target, id: r.id })));
    return [...(await read('enterprise')), ...(await read('device'))];
  }

  /** Sets the mode; null when there is no such device or enterprise. */
  async set(target: ModeTarget, id: string, next: NextMode, by: string, at: Instant): Promise<OperatingModeChange | null> {
    return this.sql.transaction((tx) => this.change(tx, target, id, next, by, at, false));
  }

  /** Back to normal, only if the stored mode has ended by `at` (an operator may have set a new one meanwhile); else null. */
  async expire(target: ModeTarget, id: string, by: string, at: Instant): Promise<OperatingModeChange | null> {
    return this.sql.transaction((tx) => this.change(tx, target, id, { mode: 'normal', until: null, reason: null }, by, at, true));
  }

  /**
   * Under the row's lock: stores the mode, then clears the open alarms of its devices that no longer fit the mode
   * in force for each of them (all of a disabled device's, the others of a test device's, the test alarms of a
   * normal one) and drops their saved rule state, so a finding that persists is raised afresh in the new mode.
   */
  private async change(
    tx: SqlExecutor,
    target: ModeTarget,
    id: string,
    next: NextMode,
    by: string,
    at: Instant,
    onlyIfExpired: boolean,
  ): Promise<OperatingModeChange | null> {
    const { table, enterpriseId } = TABLES[target];
    const found = await tx.query<ModeRecord>(
      `SELECT id, ${enterpriseId} AS enterprise_id, ${MODE_COLUMNS} FROM ${table} WHERE id = $1 FOR UPDATE`,
      [id],
    );
    if (found.length === 0) return null;
    const when = toDate(at);
    if (onlyIfExpired && (found[0].mode === 'normal' || (found[0].mode_until !== null && found[0].mode_until > when))) return null;
    const updated = await tx.query<ModeRecord>(
      `UPDATE ${table} SET mode = $2, mode_until = $3, mode_reason = $4, mode_set_by = $5, mode_set_at = $6 WHERE id = $1
       RETURNING id, ${enterpriseId} AS enterprise_id, ${MODE_COLUMNS}`,
      [id, next.mode, next.until === null ? null : toDate(next.until), next.reason, by, when],
    );
    const devices = await tx.query<{
      id: string;
      mode: OperatingMode;
      mode_until: Date | null;
      e_mode: OperatingMode;
      e_until: Date | null;
    }>(
      `SELECT d.id, d.mode, d.mode_until, e.mode AS e_mode, e.mode_until AS e_until
       FROM devices AS d JOIN enterprises AS e ON e.id = d.enterprise_id
       WHERE ${target === 'device' ? 'd.id' : 'd.enterprise_id'} = $1 ORDER BY d.id`,
      [id],
    );
    const inForce = new Map(
      devices.map((d) => [d.id, effectiveMode(stored(d.mode, d.mode_until), stored(d.e_mode, d.e_until), when.getTime())]),
    );
    const ids = (mode: OperatingMode) => [...inForce].filter(([, m]) => m === mode).map(([deviceId]) => deviceId);
    const cleared = await tx.query<AlarmRecord>(
      `UPDATE alarms SET status = 'cleared', cleared_at = $4, updated_at = GREATEST(updated_at, $4)
       WHERE status = 'open' AND (device_id = ANY($1::text[]) OR (device_id = ANY($2::text[]) AND NOT test) OR (device_id = ANY($3::text[]) AND test))
       RETURNING ${ALARM_COLUMNS}`,
      [ids('disabled'), ids('test'), ids('normal'), when],
    );
    const deviceIds = devices.map((d) => d.id);
    await tx.query(`DELETE FROM rule_states WHERE device_id = ANY($1::text[])`, [deviceIds]);
    return {
      target,
      id,
      enterpriseId: updated[0].enterprise_id,
      before: toMode(found[0]),
      after: toMode(updated[0]),
      deviceIds,
      cleared: cleared.map(toAlarm),
    };
  }
}
