import type { Migration } from '../migration';

/**
 * Cheaper inserts into the readings hypertable. Every read of it names a
 * device, which the primary key (device_id, metric, ts) serves, so the
 * default (ts DESC) index TimescaleDB added only cost writes: dropping it
 * makes an insert batch about a third faster on PGlite. Hour chunks keep
 * what the continuous-aggregate refresh scans (its last 3 hours) close to
 * what it needs now that no index orders the rows by time; existing chunks
 * keep their day.
 */
export const readingsWritePathMigration: Migration = {
  id: 8,
  name: 'readings-write-path',
  requiresTimescale: true,
  async up(sql) {
    await sql.query(`DROP INDEX IF EXISTS readings_ts_idx`);
    await sql.query(`SELECT set_chunk_time_interval('readings', INTERVAL '1 hour')`);
  },
};
