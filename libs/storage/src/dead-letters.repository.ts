import type { DeadLetterReason, DeadLetterV1 } from '@app/contracts';
import type { SqlClient } from './sql-client';
import { safeText } from './sql-values';

export interface DeadLetterRow {
  id: number;
  receivedAt: Date;
  source: DeadLetterV1['source'];
  topic: string;
  reason: DeadLetterReason;
  detail: string;
  deviceId: string | null;
  payload: string;
  correlationId: string;
}

export interface DeadLetterQuery {
  reason?: DeadLetterReason;
  deviceId?: string;
  /** Only dead letters after this one in the list's order (newest first): keyset paging. */
  after?: { receivedAt: Date; id: number };
  limit?: number;
  offset?: number;
}

interface DeadLetterRecord {
  id: number;
  received_at: Date;
  source: DeadLetterV1['source'];
  topic: string;
  reason: DeadLetterReason;
  detail: string;
  device_id: string | null;
  payload: string;
  correlation_id: string;
}

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

/** Everything refused at a boundary, kept with its reason. */
export class DeadLettersRepository {
  constructor(private readonly sql: SqlClient) {}

  async insertBatch(items: readonly DeadLetterV1[]): Promise<number> {
    if (items.length === 0) return 0;
    const rows = await this.sql.query<{ inserted: number }>(
      `WITH inserted AS (
         INSERT INTO dead_letters (received_at, source, topic, reason, detail, device_id, payload, correlation_id)
         SELECT to_timestamp(r / 1000), s, t, re, de, dv, p, c
         FROM unnest($1::float8[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
           AS u(r, s, t, re, de, dv, p, c)
         RETURNING 1
       )
       SELECT count(*) AS inserted FROM inserted`,
      [
        items.map((x) => x.receivedAt),
        items.map((x) => x.source),
        items.map((x) => safeText(x.topic)),
        items.map((x) => x.reason),
        items.map((x) => safeText(x.detail)),
        items.map((x) => (x.deviceId === null ? null : safeText(x.deviceId))),
        items.map((x) => safeText(x.payload)),
        items.map((x) => x.correlationId),
      ],
    );
    return rows[0].inserted;
  }

  /** Newest first. */
  async list(query: DeadLetterQuery = {}): Promise<DeadLetterRow[]> {
    const limit = Math.min(Math.max(query.limit ?? DEFAULT_LIMIT, 0), MAX_LIMIT);
    const offset = Math.max(query.offset ?? 0, 0);
    const rows = await this.sql.query<DeadLetterRecord>(
      `SELECT id, received_at, source, topic, reason, detail, device_id, payload, correlation_id
       FROM dead_letters
       WHERE ($1::text IS NULL OR reason = $1) AND ($2::text IS NULL OR device_id = $2)
         AND ($3::timestamptz IS NULL OR (received_at, id) < ($3, $4::bigint))
       ORDER BY received_at DESC, id DESC LIMIT $5 OFFSET $6`,
      [query.reason ?? null, query.deviceId ?? null, query.after?.receivedAt ?? null, query.after?.id ?? null, limit, offset],
    );
    return rows.map((r) => ({
      id: r.id,
      receivedAt: r.received_at,
      source: r.source,
      topic: r.topic,
      reason: r.reason,
      detail: r.detail,
      deviceId: r.device_id,
      payload: r.payload,
      correlationId: r.correlation_id,
    }));
  }

  async countByReason(): Promise<Record<string, number>> {
    const rows = await this.sql.query<{ reason: string; count: number }>(
      'SELECT reason, count(*) AS count FROM dead_letters GROUP BY reason ORDER BY reason',
    );
    return Object.fromEntries(rows.map((r) => [r.reason, r.count]));
  }
}
