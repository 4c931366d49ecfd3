import type { Grade } from '@app/contracts';
import type { SqlClient } from './sql-client';
import { jsonParam, toDate, type Instant } from './sql-values';

export interface GradeChangeInput {
  at: Instant;
  enterpriseId: string;
  from: Grade | null;
  to: Grade | null;
  reasons: readonly string[];
  correlationId: string;
}

export interface GradeChangeRow {
  at: Date;
  enterpriseId: string;
  from: Grade | null;
  to: Grade | null;
  reasons: string[];
  correlationId: string;
}

interface GradeChangeRecord {
  at: Date;
  enterprise_id: string;
  from_grade: Grade | null;
  to_grade: Grade | null;
  reasons: string[];
  correlation_id: string;
}

/** History of enterprise grade changes. */
export class GradeChangesRepository {
  constructor(private readonly sql: SqlClient) {}

  async insert(change: GradeChangeInput): Promise<void> {
    await this.sql.query(
      `INSERT INTO grade_changes (at, enterprise_id, from_grade, to_grade, reasons, correlation_id)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6)`,
      [toDate(change.at), change.enterpriseId, change.from, change.to, jsonParam(change.reasons), change.correlationId],
    );
  }

  /** Newest first. */
  async listForEnterprise(enterpriseId: string, limit = 100): Promise<GradeChangeRow[]> {
    const rows = await this.sql.query<GradeChangeRecord>(
      `SELECT at, enterprise_id, from_grade, to_grade, reasons, correlation_id
       FROM grade_changes WHERE enterprise_id = $1 ORDER BY at DESC LIMIT $2`,
      [enterpriseId, limit],
    );
    return rows.map((r) => ({
      at: r.at,
      enterpriseId: r.enterprise_id,
      from: r.from_grade,
      to: r.to_grade,
      reasons: r.reasons,
      correlationId: r.correlation_id,
    }));
  }
}
