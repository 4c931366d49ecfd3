import { createHash, randomUUID } from 'node:crypto';
import type { SqlClient, SqlExecutor } from './sql-client';

export type ApiTokenRole = 'operator' | 'substation' | 'viewer' | 'inspector' | 'enterprise';

export interface ApiTokenRow {
  role: ApiTokenRole;
  substationId: string | null;
  /** Role enterprise only: the one enterprise it sees and acts for. */
  enterpriseId: string | null;
  /** The person who holds it; actions are recorded by this name. */
  name: string;
  expiresAt?: Date | null;
}

/** A token as stored, without its secret: the hash stays in the database. */
export interface ApiTokenRecord {
  id: string;
  role: ApiTokenRole;
  substationId: string | null;
  enterpriseId: string | null;
  name: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface ApiTokenListQuery {
  limit: number;
  offset?: number;
  /** Keyset paging: the (createdAt, id) of the last token of the page before. */
  after?: { createdAt: Date; id: string };
}

/** What a revocation found and left; `revoked` is false when the token was revoked already. */
export type ApiTokenRevocation = { revoked: boolean; before: ApiTokenRecord; after: ApiTokenRecord };

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

interface TokenSqlRow {
  id: string;
  role: ApiTokenRole;
  substation_id: string | null;
  enterprise_id: string | null;
  name: string;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const COLUMNS = 'id, role, substation_id, enterprise_id, name, created_at, expires_at, last_used_at, revoked_at';

function record(r: TokenSqlRow): ApiTokenRecord {
  return {
    id: r.id,
    role: r.role,
    substationId: r.substation_id,
    enterpriseId: r.enterprise_id,
    name: r.name,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  };
}

/** API tokens by the hash of their secret; the secret itself is never stored. */
export class ApiTokensRepository {
  constructor(private readonly sql: SqlClient) {}

  async create(token: string, row: ApiTokenRow, at: Date): Promise<ApiTokenRecord> {
    const rows = await this.sql.query<TokenSqlRow>(
      `INSERT INTO api_tokens (id, token_hash, role, substation_id, enterprise_id, name, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
      [randomUUID(), hashToken(token), row.role, row.substationId, row.enterpriseId, row.name, at, row.expiresAt ?? null],
    );
    return record(rows[0]);
  }

  /** The token a secret belongs to, expired and revoked ones included: the caller decides what they may do. */
  async find(token: string): Promise<ApiTokenRecord | null> {
    const rows = await this.sql.query<TokenSqlRow>(`SELECT ${COLUMNS} FROM api_tokens WHERE token_hash = $1`, [hashToken(token)]);
    return rows[0] ? record(rows[0]) : null;
  }

  async get(id: string, tx: SqlExecutor = this.sql): Promise<ApiTokenRecord | null> {
    const rows = await tx.query<TokenSqlRow>(`SELECT ${COLUMNS} FROM api_tokens WHERE id = $1`, [id]);
    return rows[0] ? record(rows[0]) : null;
  }

  /** Newest first. */
  async list(q: ApiTokenListQuery): Promise<ApiTokenRecord[]> {
    const params: unknown[] = [q.limit];
    let where = '';
    if (q.after) {
      params.push(q.after.createdAt, q.after.id);
      where = 'WHERE (created_at, id) < ($2, $3)';
    }
    params.push(q.after ? 0 : (q.offset ?? 0));
    const rows = await this.sql.query<TokenSqlRow>(
      `SELECT ${COLUMNS} FROM api_tokens ${where} ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $${params.length}`,
      params,
    );
    return rows.map(record);
  }

  /** Revokes the token from `at` on; a token revoked already keeps its first revocation time. Null when there is no such token. */
  async revoke(id: string, at: Date): Promise<ApiTokenRevocation | null> {
    return this.sql.transaction(async (tx) => {
      const rows = await tx.query<TokenSqlRow>(`SELECT ${COLUMNS} FROM api_tokens WHERE id = $1 FOR UPDATE`, [id]);
      if (!rows[0]) return null;
      const before = record(rows[0]);
      if (before.revokedAt) return { revoked: false, before, after: before };
      const updated = await tx.query<TokenSqlRow>(`UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 RETURNING ${COLUMNS}`, [id, at]);
      return { revoked: true, before, after: record(updated[0]) };
    });
  }

  /** Records a use; never moves last_used_at back. */
  async touch(id: string, at: Date): Promise<void> {
    await this.sql.query(`UPDATE api_tokens SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2)`, [id, at]);
  }
}
