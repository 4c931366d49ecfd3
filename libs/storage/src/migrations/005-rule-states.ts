import type { Migration } from '../migration';

/** Each device's rule state (debounce timers, rate windows, active levels), so a restart forgets nothing. */
export const ruleStatesMigration: Migration = {
  id: 5,
  name: 'rule-states',
  async up(sql) {
    await sql.query(`CREATE TABLE IF NOT EXISTS rule_states (
      device_id text PRIMARY KEY,
      state jsonb NOT NULL,
      updated_at timestamptz NOT NULL
    )`);
  },
};
