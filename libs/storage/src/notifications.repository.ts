import type { SqlClient } from './sql-client';
import { jsonParam, safeText, toDate, type Instant } from './sql-values';

export type NotificationStatus = 'pending' | 'delivered' | 'failed';

export interface NewNotification {
  deliveryId: string;
  idempotencyKey: string;
  incidentId: string | null;
  eventType: string;
  channel: string;
  recipient: string;
  payload: unknown;
}

export interface NotificationRow extends NewNotification {
  status: NotificationStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

/** The end of one attempt, as the sender decided it. */
export type AttemptResult =
  | { status: 'delivered'; attempts: number; at: Instant }
  | { status: 'pending'; attempts: number; error: string; nextAttemptAt: Instant }
  | { status: 'failed'; attempts: number; error: string; at: Instant };

interface NotificationRecord {
  delivery_id: string;
  idempotency_key: string;
  incident_id: string | null;
  event_type: string;
  channel: string;
  recipient: string;
  payload: unknown;
  status: NotificationStatus;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

const COLUMNS = `delivery_id, idempotency_key, incident_id, event_type, channel, recipient, payload, status, attempts,
  next_attempt_at, last_error, created_at, delivered_at`;

const MAX_ERROR_CHARS = 500;

function toRow(r: NotificationRecord): NotificationRow {
  return {
    deliveryId: r.delivery_id,
    idempotencyKey: r.idempotency_key,
    incidentId: r.incident_id,
    eventType: r.event_type,
    channel: r.channel,
    recipient: r.recipient,
    payload: r.payload,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    createdAt: r.created_at,
    deliveredAt: r.delivered_at,
  };
}

/** The notification outbox: stored before sending, claimed under a lease, finished by the claimant. */
export class NotificationsRepository {
  constructor(private readonly sql: SqlClient) {}

  /**
   * Stores what is not stored yet; an idempotency key seen before keeps its row (and delivery id) as it is.
   * Answers how many rows are new.
   */
  async enqueue(items: readonly NewNotification[], at: Instant): Promise<number> {
    if (items.length === 0) return 0;
    const rows = await this.sql.query<{ inserted: number }>(
      `WITH inserted AS (
         INSERT INTO notifications (delivery_id, idempotency_key, incident_id, event_type, channel, recipient, payload,
           next_attempt_at, created_at)
         SELECT d, k, i, e, c, r, p, $8, $8
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[]) AS u(d, k, i, e, c, r, p)
         ON CONFLICT (idempotency_key) DO NOTHING
         RETURNING 1
       )
       SELECT count(*)::int AS inserted FROM inserted`,
      [
        items.map((x) => x.deliveryId),
        items.map((x) => safeText(x.idempotencyKey)),
        items.map((x) => x.incidentId),
        items.map((x) => x.eventType),
        items.map((x) => x.channel),
        items.map((x) => safeText(x.recipient)),
        items.map((x) => jsonParam(x.payload)),
        toDate(at),
      ],
    );
    return rows[0].inserted;
  }

  /**
   * Claims up to `limit` pending rows due by `now` whose lease (if any) has run out, for `owner` until now + leaseMs.
   * SKIP LOCKED: two senders claiming at once take different rows instead of waiting for each other.
   */
  async claimDue(owner: string, now: Instant, leaseMs: number, limit: number): Promise<NotificationRow[]> {
    const at = toDate(now);
    const rows = await this.sql.query<NotificationRecord>(
      `UPDATE notifications SET claimed_by = $1, claimed_until = $3
       WHERE delivery_id IN (
         SELECT delivery_id FROM notifications
         WHERE status = 'pending' AND next_attempt_at <= $2 AND (claimed_until IS NULL OR claimed_until <= $2)
         ORDER BY next_attempt_at, created_at
         LIMIT $4
         FOR UPDATE SKIP LOCKED
       )
       RETURNING ${COLUMNS}`,
      [owner, at, new Date(at.getTime() + leaseMs), limit],
    );
    return rows.map(toRow).sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime());
  }

  /** Records the end of an attempt and lets the lease go; false when the lease was lost (another sender has the row). */
  async finishAttempt(deliveryId: string, owner: string, result: AttemptResult): Promise<boolean> {
    const error = result.status === 'delivered' ? null : result.error.slice(0, MAX_ERROR_CHARS);
    const rows = await this.sql.query<{ delivery_id: string }>(
      `UPDATE notifications SET status = $3, attempts = $4, last_error = COALESCE($5, last_error),
         next_attempt_at = COALESCE($6, next_attempt_at), delivered_at = $7, claimed_by = NULL, claimed_until = NULL
       WHERE delivery_id = $1 AND claimed_by = $2 AND status = 'pending'
       RETURNING delivery_id`,
      [
        deliveryId,
        owner,
        result.status,
        result.attempts,
        error === null ? null : safeText(error),
        result.status === 'pending' ? toDate(result.nextAttemptAt) : null,
        result.status === 'delivered' ? toDate(result.at) : null,
      ],
    );
    return rows.length === 1;
  }

  /** When the next pending row falls due (its lease counted), or null when none is pending. */
  async nextDueAt(): Promise<Date | null> {
    const rows = await this.sql.query<{ due: Date | null }>(
      `SELECT min(GREATEST(next_attempt_at, COALESCE(claimed_until, next_attempt_at))) AS due FROM notifications WHERE status = 'pending'`,
    );
    return rows[0]?.due ?? null;
  }

  async get(deliveryId: string): Promise<NotificationRow | null> {
    const rows = await this.sql.query<NotificationRecord>(`SELECT ${COLUMNS} FROM notifications WHERE delivery_id = $1`, [deliveryId]);
    return rows.length ? toRow(rows[0]) : null;
  }

  /** An incident's notifications, oldest first. */
  async listForIncident(incidentId: string): Promise<NotificationRow[]> {
    const rows = await this.sql.query<NotificationRecord>(
      `SELECT ${COLUMNS} FROM notifications WHERE incident_id = $1 ORDER BY created_at, idempotency_key`,
      [incidentId],
    );
    return rows.map(toRow);
  }
}
