import type { SqlClient } from './sql-client';

export interface SavedRuleState {
  deviceId: string;
  state: unknown;
}

/** The risk engine's per-device rule state, written after each batch and read back for devices it has not seen since start. */
export class RuleStatesRepository {
  constructor(private readonly sql: SqlClient) {}

  async load(deviceIds: readonly string[]): Promise<Map<string, unknown>> {
    if (deviceIds.length === 0) return new Map();
    const rows = await this.sql.query<{ device_id: string; state: unknown }>(
      `SELECT device_id, state FROM rule_states WHERE device_id = ANY($1::text[])`,
      [deviceIds],
    );
    return new Map(rows.map((r) => [r.device_id, r.state]));
  }

  /** Drops the saved state of these devices: they start their rules afresh. */
  async delete(deviceIds: readonly string[]): Promise<void> {
    if (deviceIds.length === 0) return;
    await this.sql.query(`DELETE FROM rule_states WHERE device_id = ANY($1::text[])`, [deviceIds]);
  }

  async save(items: readonly SavedRuleState[], at: Date): Promise<void> {
    if (items.length === 0) return;
    await this.sql.query(
      `INSERT INTO rule_states (device_id, state, updated_at)
       SELECT d, s, $3 FROM unnest($1::text[], $2::jsonb[]) AS t(d, s)
       ON CONFLICT (device_id) DO UPDATE SET state = EXCLUDED.state, updated_at = EXCLUDED.updated_at`,
      [items.map((i) => i.deviceId), items.map((i) => JSON.stringify(i.state)), at],
    );
  }
}
