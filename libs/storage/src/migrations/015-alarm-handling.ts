import type { Migration } from '../migration';

/**
 * What operators do with an alarm (SPEC.md, operator handling): its acknowledgement and assignee, and its comments.
 * Tables of their own, beside `alarms`, so the risk engine's upsert and clear of the alarm never touch them: the
 * handling survives every later update of the alarm by construction. Plain tables (no hypertable), the same on
 * PostgreSQL, TimescaleDB and PGlite.
 */
export const alarmHandlingMigration: Migration = {
  id: 15,
  name: 'alarm-handling',
  async up(sql) {
    await sql.query(`CREATE TABLE IF NOT EXISTS alarm_handling (
      alarm_id text PRIMARY KEY REFERENCES alarms (id),
      acknowledged_at timestamptz,
      acknowledged_by text,
      assignee text,
      assigned_at timestamptz,
      assigned_by text
    )`);
    await sql.query(`CREATE TABLE IF NOT EXISTS alarm_comments (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      alarm_id text NOT NULL REFERENCES alarms (id),
      kind text NOT NULL CHECK (kind IN ('comment', 'acknowledge')),
      at timestamptz NOT NULL,
      by text NOT NULL,
      text text NOT NULL
    )`);
    await sql.query(`CREATE INDEX IF NOT EXISTS alarm_comments_alarm_idx ON alarm_comments (alarm_id, at, id)`);
  },
};
