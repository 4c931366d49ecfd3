import type { ReadingValue } from '@app/contracts';
import type { SqlClient } from './sql-client';

export interface ReadingRow {
  /** Epoch milliseconds. */
  ts: number;
  deviceId: string;
  metric: string;
  /** Booleans are stored as 1/0. */
  value: ReadingValue;
}

export interface SeriesPoint {
  bucket: Date;
  metric: string;
  avg: number;
  min: number;
  max: number;
  count: number;
}

// time_bucket's default origin, so date_bin and the continuous aggregate agree.
const BUCKET_ORIGIN_MS = Date.UTC(2000, 0, 3);
const BUCKET_ORIGIN_SQL = `TIMESTAMPTZ '2000-01-03 00:00:00+00'`;

// Rows per statement on the bulk lane: an urgent query waits behind at most one such slice,
// while a slice is still large enough to amortise its round trip.
const INSERT_SLICE_ROWS = 1000;

/** Time-series store of sensor readings; a hypertable with per-minute rollups when TimescaleDB is there. */
export class ReadingsRepository {
  constructor(private readonly sql: SqlClient) {}

  /**
   * Returns how many rows were new; redelivered readings (same device, metric and ts) are ignored.
   * Written on the bulk lane a slice at a time, not atomically: a batch retried after a failure
   * skips the slices already stored.
   */
  async insertBatch(rows: readonly ReadingRow[]): Promise<number> {
    let inserted = 0;
    for (let start = 0; start < rows.length; start += INSERT_SLICE_ROWS) {
      inserted += await this.insertSlice(rows.slice(start, start + INSERT_SLICE_ROWS));
    }
    return inserted;
  }

  private async insertSlice(rows: readonly ReadingRow[]): Promise<number> {
    const ts = new Array<number>(rows.length);
    const deviceIds = new Array<string>(rows.length);
    const metrics = new Array<string>(rows.length);
    const values = new Array<number>(rows.length);
    rows.forEach((row, i) => {
      ts[i] = row.ts;
      deviceIds[i] = row.deviceId;
      metrics[i] = row.metric;
      values[i] = typeof row.value === 'boolean' ? Number(row.value) : row.value;
    });
    const result = await this.sql.bulk.query<{ inserted: number }>(
      `WITH inserted AS (
         INSERT INTO readings (ts, device_id, metric, value)
         SELECT to_timestamp(t / 1000), d, m, v
         FROM unnest($1::float8[], $2::text[], $3::text[], $4::float8[]) AS u(t, d, m, v)
         ON CONFLICT DO NOTHING
         RETURNING 1
       )
       SELECT count(*) AS inserted FROM inserted`,
      [ts, deviceIds, metrics, values],
    );
    return result[0].inserted;
  }

  /**
   * A device's readings in [from, to) per metric, ordered by metric and time.
   * With `bucketSeconds` null every reading is a point of its own (count 1);
   * otherwise whole buckets overlapping [from, to) are aggregated.
   */
  async series(deviceId: string, from: Date, to: Date, bucketSeconds: number | null): Promise<SeriesPoint[]> {
    if (bucketSeconds === null) {
      return this.sql.query<SeriesPoint>(
        `SELECT ts AS bucket, metric, value AS avg, value AS min, value AS max, 1 AS count
         FROM readings WHERE device_id = $1 AND ts >= $2 AND ts < $3
         ORDER BY metric, ts`,
        [deviceId, from, to],
      );
    }
    return this.bucketed([deviceId], from, to, bucketSeconds);
  }

  /** Readings of several devices (an enterprise's) aggregated together per metric and bucket. */
  async seriesOfDevices(deviceIds: readonly string[], from: Date, to: Date, bucketSeconds: number): Promise<SeriesPoint[]> {
    if (deviceIds.length === 0) return [];
    return this.bucketed(deviceIds, from, to, bucketSeconds);
  }

  /** Whole buckets overlapping [from, to); from the per-minute aggregate when the bucket is whole minutes. */
  private async bucketed(deviceIds: readonly string[], from: Date, to: Date, bucketSeconds: number): Promise<SeriesPoint[]> {
    if (!Number.isInteger(bucketSeconds) || bucketSeconds <= 0) {
      throw new RangeError(`bucketSeconds must be a positive integer, got ${bucketSeconds}`);
    }
    const bucketMs = bucketSeconds * 1000;
    const start = new Date(BUCKET_ORIGIN_MS + Math.floor((from.getTime() - BUCKET_ORIGIN_MS) / bucketMs) * bucketMs);
    const end = new Date(BUCKET_ORIGIN_MS + Math.ceil((to.getTime() - BUCKET_ORIGIN_MS) / bucketMs) * bucketMs);
    if (this.sql.timescale && bucketSeconds % 60 === 0) {
      return this.sql.query<SeriesPoint>(
        `SELECT date_bin(make_interval(secs => $4), bucket, ${BUCKET_ORIGIN_SQL}) AS bucket, metric,
                (sum(avg * count) / sum(count))::float8 AS avg, min(min) AS min, max(max) AS max,
                sum(count)::int8 AS count
         FROM readings_1m WHERE device_id = ANY($1::text[]) AND bucket >= $2 AND bucket < $3
         GROUP BY 1, 2 ORDER BY 2, 1`,
        [deviceIds, start, end, bucketSeconds],
      );
    }
    return this.sql.query<SeriesPoint>(
      `SELECT date_bin(make_interval(secs => $4), ts, ${BUCKET_ORIGIN_SQL}) AS bucket, metric,
              avg(value) AS avg, min(value) AS min, max(value) AS max, count(*) AS count
       FROM readings WHERE device_id = ANY($1::text[]) AND ts >= $2 AND ts < $3
       GROUP BY 1, 2 ORDER BY 2, 1`,
      [deviceIds, start, end, bucketSeconds],
    );
  }

  async count(): Promise<number> {
    const rows = await this.sql.query<{ count: number }>('SELECT count(*) AS count FROM readings');
    return rows[0].count;
  }
}
