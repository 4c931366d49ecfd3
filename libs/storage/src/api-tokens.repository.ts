import { createHash } from 'node:crypto';
import type { SqlClient } from './sql-client';

export interface ApiTokenRow {
  role: 'operator' | 'substation' | 'viewer';
  substationId: string | null;
  name: string;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** API tokens by the hash of their secret; the secret itself is never stored. */
export class ApiTokensRepository {
  constructor(private readonly sql: SqlClient) {}

  async create(token: string, row: ApiTokenRow, at: Date): Promise<void> {
    await this.sql.query(`INSERT INTO api_tokens (token_hash, role, substation_id, name, created_at) VALUES ($1, $2, $3, $4, $5)`, [
      hashToken(token),
      row.role,
      row.substationId,
      row.name,
      at,
    ]);
  }

  async find(token: string): Promise<ApiTokenRow | null> {
    const rows = await this.sql.query<{ role: ApiTokenRow['role']; substation_id: string | null; name: string }>(
      `SELECT role, substation_id, name FROM api_tokens WHERE token_hash = $1`,
      [hashToken(token)],
    );
    return rows[0] ? { role: rows[0].role, substationId: rows[0].substation_id, name: rows[0].name } : null;
  }
}
