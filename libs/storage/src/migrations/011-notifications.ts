import type { Migration } from '../migration';

/**
 * The notification outbox: a row is stored before anything is sent, once per (event, channel, recipient) however
 * often the event is handled, and keeps its delivery id through every retry and restart. A sender claims due rows
 * with a lease (claimed_until, claimed_by) so two dispatch processes do not send one at once.
 */
export const notificationsMigration: Migration = {
  id: 11,
  name: 'notifications',
  async up(sql) {
    await sql.query(`CREATE TABLE IF NOT EXISTS notifications (
      delivery_id uuid PRIMARY KEY,
      idempotency_key text NOT NULL UNIQUE,
      incident_id text NULL,
      event_type text NOT NULL,
      channel text NOT NULL,
      recipient text NOT NULL,
      payload jsonb NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL,
      last_error text NULL,
      created_at timestamptz NOT NULL,
      delivered_at timestamptz NULL,
      claimed_until timestamptz NULL,
      claimed_by text NULL
    )`);
    await sql.query(`CREATE INDEX IF NOT EXISTS notifications_due_idx ON notifications (next_attempt_at) WHERE status = 'pending'`);
    await sql.query(
      `CREATE INDEX IF NOT EXISTS notifications_incident_idx ON notifications (incident_id, created_at) WHERE incident_id IS NOT NULL`,
    );
  },
};
