import type { Migration } from '../migration';

export const timescaleMigration: Migration = {
  id: 2,
  name: 'timescale',
  requiresTimescale: true,
  async up(sql) {
    const statements = [
      `SELECT create_hypertable('readings', 'ts', chunk_time_interval => INTERVAL '1 day', migrate_data => true)`,
      `SELECT create_hypertable('grade_changes', 'at', chunk_time_interval => INTERVAL '30 days', migrate_data => true)`,
      // materialized_only = false: queries see rows the refresh job has not reached yet.
      `CREATE MATERIALIZED VIEW readings_1m
        WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
        SELECT time_bucket(INTERVAL '1 minute', ts) AS bucket, device_id, metric,
               avg(value) AS avg, min(value) AS min, max(value) AS max, count(*) AS count
        FROM readings
        GROUP BY bucket, device_id, metric
        WITH NO DATA`,
      `SELECT add_continuous_aggregate_policy('readings_1m',
        start_offset => INTERVAL '3 hours', end_offset => INTERVAL '1 minute',
        schedule_interval => INTERVAL '1 minute')`,
      // metric leads the order so a device's series and the primary-key check
      // on late inserts touch one run of a compressed segment.
      `ALTER TABLE readings SET (timescaledb.compress,
        timescaledb.compress_segmentby = 'device_id',
        timescaledb.compress_orderby = 'metric, ts DESC')`,
      `SELECT add_compression_policy('readings', INTERVAL '7 days')`,
      `SELECT add_retention_policy('readings', INTERVAL '365 days')`,
    ];
    for (const statement of statements) await sql.query(statement);
  },
};
