import type { Migration } from '../migration';

const MODE_COLUMNS = `
  ADD COLUMN IF NOT EXISTS mode text NOT NULL DEFAULT 'normal' CHECK (mode IN ('normal', 'test', 'disabled')),
  ADD COLUMN IF NOT EXISTS mode_until timestamptz NULL,
  ADD COLUMN IF NOT EXISTS mode_reason text NULL,
  ADD COLUMN IF NOT EXISTS mode_set_by text NULL,
  ADD COLUMN IF NOT EXISTS mode_set_at timestamptz NULL`;

/**
 * Test and disable (SPEC.md, operator handling): the mode of a device and of an enterprise, until when, why and by
 * whom, beside the row it governs; and whether an alarm was raised in test mode. A partial index finds the few rows
 * not in normal mode, which is all the risk engine loads and the expiry sweep reads. Plain tables on every backend.
 */
export const operatingModesMigration: Migration = {
  id: 18,
  name: 'operating-modes',
  async up(sql) {
    await sql.query(`ALTER TABLE devices ${MODE_COLUMNS}`);
    await sql.query(`ALTER TABLE enterprises ${MODE_COLUMNS}`);
    await sql.query(`CREATE INDEX IF NOT EXISTS devices_mode_idx ON devices (mode_until) WHERE mode <> 'normal'`);
    await sql.query(`CREATE INDEX IF NOT EXISTS enterprises_mode_idx ON enterprises (mode_until) WHERE mode <> 'normal'`);
    await sql.query(`ALTER TABLE alarms ADD COLUMN IF NOT EXISTS test boolean NOT NULL DEFAULT false`);
  },
};
