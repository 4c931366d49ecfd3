import type { Grade } from '@app/contracts';
import type { SqlClient, SqlExecutor } from './sql-client';
import type { StoredHazards } from './zone-rows';
import { jsonParam, toDate, type Instant } from './sql-values';

export interface GradeChangeInput {
  at: Instant;
  enterpriseId: string;
  from: Grade | null;
  to: Grade;
  reasons: readonly string[];
  correlationId: string;
}

export interface GradeChangeRow {
  at: Date;
  enterpriseId: string;
  from: Grade | null;
  /** null only in history written before every enterprise had a grade (findings cleared to "nothing"). */
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

export interface OpenFinding {
  ruleId: string;
  metric: string;
  grade: Grade;
  deviceId: string;
}

/** A hazard an inspection found and a re-inspection has not yet verified: it weighs in the grade. */
export interface OpenInspectionHazard {
  id: string;
  kind: string;
  severity: Grade;
  status: 'open' | 'rectified' | 'reopened';
  /** Epoch milliseconds. */
  deadline: number;
}

export type GradeFunction = (
  findings: OpenFinding[],
  hazards: StoredHazards,
  inspectionHazards: OpenInspectionHazard[],
) => { grade: Grade; reasons: string[] };

interface OpenInspectionHazardRecord {
  enterprise_id: string;
  id: string;
  kind: string;
  severity: Grade;
  status: OpenInspectionHazard['status'];
  deadline: Date;
}

const OPEN_INSPECTION_HAZARDS = `SELECT enterprise_id, id, kind, severity, status, deadline FROM hazards
  WHERE status <> 'verified' AND enterprise_id = ANY($1::text[]) ORDER BY id`;

function openInspectionHazard(r: OpenInspectionHazardRecord): OpenInspectionHazard {
  return { id: r.id, kind: r.kind, severity: r.severity, status: r.status, deadline: r.deadline.getTime() };
}

/**
 * Recomputes an enterprise's grade from its open alarms (test alarms never count) and inspection hazards, in the caller's transaction and
 * under the enterprise's row lock, and when it changed stores the new grade and the change. Several processes may
 * touch one enterprise (its devices sit in different partitions, an inspection is recorded through the API); the
 * lock makes them agree on `from`. Null when the grade stayed (its reasons are kept current) or there is no such
 * enterprise.
 */
export async function regradeInTransaction(
  tx: SqlExecutor,
  enterpriseId: string,
  grade: GradeFunction,
  at: Instant,
  correlationId: string,
): Promise<(GradeChangeRow & { to: Grade }) | null> {
  const rows = await tx.query<{ grade: Grade | null; hazards: StoredHazards }>(
    `SELECT grade, hazards FROM enterprises WHERE id = $1 FOR UPDATE`,
    [enterpriseId],
  );
  if (rows.length === 0) return null;
  const findings = await tx.query<{ rule_id: string; metric: string; grade: Grade; device_id: string }>(
    `SELECT rule_id, metric, grade, device_id FROM alarms WHERE enterprise_id = $1 AND status = 'open' AND NOT test ORDER BY rule_id, device_id`,
    [enterpriseId],
  );
  const inspected = await tx.query<OpenInspectionHazardRecord>(OPEN_INSPECTION_HAZARDS, [[enterpriseId]]);
  const from = rows[0].grade;
  const next = grade(
    findings.map((f) => ({ ruleId: f.rule_id, metric: f.metric, grade: f.grade, deviceId: f.device_id })),
    rows[0].hazards,
    inspected.map(openInspectionHazard),
  );
  if (next.grade === from) {
    // Same colour, other reasons (a finding came or went): keep "why" current without a grade-change event.
    await tx.query('UPDATE enterprises SET grade_reasons = $2::jsonb WHERE id = $1 AND grade_reasons <> $2::jsonb', [
      enterpriseId,
      jsonParam(next.reasons),
    ]);
    return null;
  }
  await tx.query('UPDATE enterprises SET grade = $2, grade_reasons = $3::jsonb, grade_at = $4 WHERE id = $1', [
    enterpriseId,
    next.grade,
    jsonParam(next.reasons),
    toDate(at),
  ]);
  await tx.query(
    `INSERT INTO grade_changes (at, enterprise_id, from_grade, to_grade, reasons, correlation_id) VALUES ($1, $2, $3, $4, $5::jsonb, $6)`,
    [toDate(at), enterpriseId, from, next.grade, jsonParam(next.reasons), correlationId],
  );
  return { at: toDate(at), enterpriseId, from, to: next.grade, reasons: next.reasons, correlationId };
}

interface OpenFindingRecord {
  enterprise_id: string;
  rule_id: string;
  metric: string;
  grade: Grade;
  device_id: string;
}

/** History of enterprise grade changes. */
export class GradeChangesRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Regrades the enterprise in a transaction of its own (see regradeInTransaction). */
  async regrade(
    enterpriseId: string,
    grade: GradeFunction,
    at: Instant,
    correlationId: string,
  ): Promise<(GradeChangeRow & { to: Grade }) | null> {
    return this.sql.transaction((tx) => regradeInTransaction(tx, enterpriseId, grade, at, correlationId));
  }

  /**
   * Gives every enterprise still without a grade (a database from before every
   * enterprise had one) the grade of its open findings and hazards.
   * Neither a change nor an event: the enterprise had that grade all along, it
   * was only not written down. Idempotent, and safe with several processes at
   * once: the rows are locked and only those still ungraded are written.
   * Returns how many it graded.
   */
  async gradeUngraded(grade: GradeFunction, at: Instant): Promise<number> {
    return this.sql.transaction(async (tx) => {
      const rows = await tx.query<{ id: string; hazards: StoredHazards }>(
        'SELECT id, hazards FROM enterprises WHERE grade IS NULL ORDER BY id FOR UPDATE',
      );
      if (rows.length === 0) return 0;
      const ids = rows.map((r) => r.id);
      const open = await tx.query<OpenFindingRecord>(
        `SELECT enterprise_id, rule_id, metric, grade, device_id FROM alarms
         WHERE status = 'open' AND NOT test AND enterprise_id = ANY($1::text[]) ORDER BY rule_id, device_id`,
        [ids],
      );
      const findings = new Map<string, OpenFinding[]>();
      for (const f of open) {
        const list = findings.get(f.enterprise_id) ?? [];
        list.push({ ruleId: f.rule_id, metric: f.metric, grade: f.grade, deviceId: f.device_id });
        findings.set(f.enterprise_id, list);
      }
      const inspected = new Map<string, OpenInspectionHazard[]>();
      for (const h of await tx.query<OpenInspectionHazardRecord>(OPEN_INSPECTION_HAZARDS, [ids])) {
        const list = inspected.get(h.enterprise_id) ?? [];
        list.push(openInspectionHazard(h));
        inspected.set(h.enterprise_id, list);
      }
      const graded = rows.map((r) => grade(findings.get(r.id) ?? [], r.hazards, inspected.get(r.id) ?? []));
      const updated = await tx.query(
        `UPDATE enterprises AS e SET grade = u.grade, grade_reasons = u.reasons, grade_at = $4
         FROM unnest($1::text[], $2::text[], $3::jsonb[]) AS u(id, grade, reasons)
         WHERE e.id = u.id AND e.grade IS NULL
         RETURNING e.id`,
        [ids, graded.map((g) => g.grade), graded.map((g) => jsonParam(g.reasons)), toDate(at)],
      );
      return updated.length;
    });
  }

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
