import type { Migration } from '../migration';

/**
 * How each incident ended: the outcome given when it was resolved, a false alarm's cause and a note. Incidents
 * resolved before outcomes existed keep null. The false-alarm report reads resolved incidents by resolution time.
 */
export const incidentOutcomesMigration: Migration = {
  id: 16,
  name: 'incident-outcomes',
  async up(sql) {
    await sql.query(`ALTER TABLE incidents ADD COLUMN IF NOT EXISTS outcome text NULL`);
    await sql.query(`ALTER TABLE incidents ADD COLUMN IF NOT EXISTS outcome_cause text NULL`);
    await sql.query(`ALTER TABLE incidents ADD COLUMN IF NOT EXISTS outcome_note text NULL`);
    await sql.query(`CREATE INDEX IF NOT EXISTS incidents_resolved_at_idx ON incidents (resolved_at) WHERE resolved_at IS NOT NULL`);
  },
};
