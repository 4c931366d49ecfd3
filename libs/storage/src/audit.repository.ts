import type { SqlClient, SqlExecutor } from './sql-client';
import { jsonParam } from './sql-values';

export interface AuditActor {
  tokenId: string;
  name: string;
  role: string;
}

/** One write through the API: who did what to which entity, and the entity before and after (never a secret). */
export interface AuditEntry {
  at: Date;
  actor: AuditActor;
  action: string;
  entity: string;
  entityId: string;
  before: unknown;
  after: unknown;
  correlationId: string;
}

export interface AuditRecord extends AuditEntry {
  /** The order of appending; with `at` the key the list pages by. */
  id: number;
}

export interface AuditListQuery {
  entity?: string;
  entityId?: string;
  /** A token id. */
  actor?: string;
  from?: Date;
  to?: Date;
  limit: number;
  offset?: number;
  /** Keyset paging: the (at, id) of the last record of the page before. */
  after?: { at: Date; id: number };
}

interface AuditSqlRow {
  id: number;
  at: Date;
  actor_token_id: string;
  actor_name: string;
  actor_role: string;
  action: string;
  entity: string;
  entity_id: string;
  before: unknown;
  after: unknown;
  correlation_id: string;
}

/** The audit log: append and read, nothing else (the database refuses UPDATE, DELETE and TRUNCATE). */
export class AuditRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Appends one record; `tx` puts it in the transaction of the write it records. */
  async append(entry: AuditEntry, tx: SqlExecutor = this.sql): Promise<AuditRecord> {
    const rows = await tx.query<AuditSqlRow>(
      `INSERT INTO audit_log (at, actor_token_id, actor_name, actor_role, action, entity, entity_id, before, after, correlation_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10) RETURNING *`,
      [
        entry.at,
        entry.actor.tokenId,
        entry.actor.name,
        entry.actor.role,
        entry.action,
        entry.entity,
        entry.entityId,
        jsonb(entry.before),
        jsonb(entry.after),
        entry.correlationId,
      ],
    );
    return record(rows[0]);
  }

  /** Newest first. */
  async list(q: AuditListQuery): Promise<AuditRecord[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (clause: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(clause(`$${params.length}`));
    };
    if (q.entity !== undefined) add((p) => `entity = ${p}`, q.entity);
    if (q.entityId !== undefined) add((p) => `entity_id = ${p}`, q.entityId);
    if (q.actor !== undefined) add((p) => `actor_token_id = ${p}`, q.actor);
    if (q.from) add((p) => `at >= ${p}`, q.from);
    if (q.to) add((p) => `at < ${p}`, q.to);
    if (q.after) {
      params.push(q.after.at, q.after.id);
      where.push(`(at, id) < ($${params.length - 1}, $${params.length})`);
    }
    params.push(q.limit, q.after ? 0 : (q.offset ?? 0));
    const rows = await this.sql.query<AuditSqlRow>(
      `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY at DESC, id DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    return rows.map(record);
  }
}

/** Nothing before (a creation) or after is SQL NULL, not JSON null. */
function jsonb(value: unknown): string | null {
  return value === undefined || value === null ? null : jsonParam(value);
}

function record(r: AuditSqlRow): AuditRecord {
  return {
    id: Number(r.id),
    at: r.at,
    actor: { tokenId: r.actor_token_id, name: r.actor_name, role: r.actor_role },
    action: r.action,
    entity: r.entity,
    entityId: r.entity_id,
    before: r.before,
    after: r.after,
    correlationId: r.correlation_id,
  };
}
