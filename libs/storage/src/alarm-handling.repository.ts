import type { SqlClient, SqlExecutor } from './sql-client';
import { toDate, type Instant } from './sql-values';

export type AlarmCommentKind = 'comment' | 'acknowledge';

export interface AlarmComment {
  kind: AlarmCommentKind;
  at: Date;
  by: string;
  text: string;
}

/** What operators have done with one alarm. Kept apart from the alarm itself, which the risk engine rewrites. */
export interface AlarmHandling {
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  assignee: string | null;
  assignedAt: Date | null;
  assignedBy: string | null;
  /** Comments and acknowledgement notes, oldest first. */
  comments: AlarmComment[];
}

/** missing: no such alarm; done: it was acknowledged before (nothing changed). */
export type AlarmHandlingChange =
  { outcome: 'changed'; handling: AlarmHandling } | { outcome: 'missing' } | { outcome: 'done'; handling: AlarmHandling };

export const NO_HANDLING: AlarmHandling = {
  acknowledgedAt: null,
  acknowledgedBy: null,
  assignee: null,
  assignedAt: null,
  assignedBy: null,
  comments: [],
};

interface HandlingRecord {
  alarm_id: string;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  assignee: string | null;
  assigned_at: Date | null;
  assigned_by: string | null;
}

interface CommentRecord {
  alarm_id: string;
  kind: AlarmCommentKind;
  at: Date;
  by: string;
  text: string;
}

/**
 * Acknowledgement, assignee and comments of alarms (migration 015). Each change is one whole operation that
 * locks the alarm's row first, so it is refused as missing for an unknown alarm and two acknowledgements in a
 * race are one acknowledgement and one `done`.
 */
export class AlarmHandlingRepository {
  constructor(private readonly sql: SqlClient) {}

  async acknowledge(alarmId: string, at: Instant, by: string, note: string | null): Promise<AlarmHandlingChange> {
    return this.change(alarmId, async (tx) => {
      const rows = await tx.query(
        `INSERT INTO alarm_handling AS h (alarm_id, acknowledged_at, acknowledged_by) VALUES ($1, $2, $3)
         ON CONFLICT (alarm_id) DO UPDATE SET acknowledged_at = EXCLUDED.acknowledged_at, acknowledged_by = EXCLUDED.acknowledged_by
           WHERE h.acknowledged_at IS NULL
         RETURNING alarm_id`,
        [alarmId, toDate(at), by],
      );
      if (rows.length === 0) return false;
      if (note !== null) await this.addComment(tx, alarmId, 'acknowledge', at, by, note);
      return true;
    });
  }

  comment(alarmId: string, at: Instant, by: string, text: string): Promise<AlarmHandlingChange> {
    return this.change(alarmId, async (tx) => {
      await this.addComment(tx, alarmId, 'comment', at, by, text);
      return true;
    });
  }

  assign(alarmId: string, at: Instant, by: string, to: string): Promise<AlarmHandlingChange> {
    return this.change(alarmId, async (tx) => {
      await tx.query(
        `INSERT INTO alarm_handling (alarm_id, assignee, assigned_at, assigned_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (alarm_id) DO UPDATE SET assignee = EXCLUDED.assignee, assigned_at = EXCLUDED.assigned_at, assigned_by = EXCLUDED.assigned_by`,
        [alarmId, to, toDate(at), by],
      );
      return true;
    });
  }

  /** The handling of each alarm named (alarms nobody has handled get NO_HANDLING). */
  async of(alarmIds: readonly string[]): Promise<Map<string, AlarmHandling>> {
    return this.read(this.sql, alarmIds);
  }

  private async change(alarmId: string, apply: (tx: SqlExecutor) => Promise<boolean>): Promise<AlarmHandlingChange> {
    return this.sql.transaction(async (tx): Promise<AlarmHandlingChange> => {
      // FOR KEY SHARE: the alarm must exist and stay, but the risk engine's updates of it need not wait for us.
      const alarm = await tx.query(`SELECT id FROM alarms WHERE id = $1 FOR KEY SHARE`, [alarmId]);
      if (alarm.length === 0) return { outcome: 'missing' };
      const changed = await apply(tx);
      const handling = (await this.read(tx, [alarmId])).get(alarmId) ?? NO_HANDLING;
      return changed ? { outcome: 'changed', handling } : { outcome: 'done', handling };
    });
  }

  private async addComment(tx: SqlExecutor, alarmId: string, kind: AlarmCommentKind, at: Instant, by: string, text: string): Promise<void> {
    await tx.query(`INSERT INTO alarm_comments (alarm_id, kind, at, by, text) VALUES ($1, $2, $3, $4, $5)`, [
      alarmId,
      kind,
      toDate(at),
      by,
      text,
    ]);
  }

  private async read(sql: SqlExecutor, alarmIds: readonly string[]): Promise<Map<string, AlarmHandling>> {
    const result = new Map<string, AlarmHandling>();
    if (alarmIds.length === 0) return result;
    const ids = [...new Set(alarmIds)];
    const [handled, comments] = await Promise.all([
      sql.query<HandlingRecord>(
        `SELECT alarm_id, acknowledged_at, acknowledged_by, assignee, assigned_at, assigned_by FROM alarm_handling WHERE alarm_id = ANY($1::text[])`,
        [ids],
      ),
      sql.query<CommentRecord>(
        `SELECT alarm_id, kind, at, by, text FROM alarm_comments WHERE alarm_id = ANY($1::text[]) ORDER BY alarm_id, at, id`,
        [ids],
      ),
    ]);
    for (const id of ids) result.set(id, { ...NO_HANDLING, comments: [] });
    for (const h of handled) {
      result.set(h.alarm_id, {
        acknowledgedAt: h.acknowledged_at,
        acknowledgedBy: h.acknowledged_by,
        assignee: h.assignee,
        assignedAt: h.assigned_at,
        assignedBy: h.assigned_by,
        comments: [],
      });
    }
    for (const c of comments) result.get(c.alarm_id)!.comments.push({ kind: c.kind, at: c.at, by: c.by, text: c.text });
    return result;
  }
}
