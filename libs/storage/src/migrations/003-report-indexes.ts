import type { Migration } from '../migration';

/** The compliance report reads incidents by dispatch time. */
export const reportIndexesMigration: Migration = {
  id: 3,
  name: 'report-indexes',
  async up(sql) {
    await sql.query(`CREATE INDEX IF NOT EXISTS incidents_dispatched_at_idx ON incidents (dispatched_at, substation_id)`);
  },
};
