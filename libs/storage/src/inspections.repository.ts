import { createHash, randomUUID } from 'node:crypto';
import type { Grade } from '@app/contracts';
import type { HazardChange, HazardState, HazardStatus, HazardTransition } from '@app/domain';
import { regradeInTransaction, type GradeChangeRow, type GradeFunction } from './grade-changes.repository';
import type { SqlClient, SqlExecutor } from './sql-client';
import { toDate, type Instant } from './sql-values';

/** Who did something to a hazard, as its history and the audit name them. */
export interface HazardActor {
  name: string;
  tokenId: string;
  role: string;
}

/** A file already checked at the edge (type by its bytes, size). */
export interface EvidenceFile {
  name: string;
  contentType: string;
  data: Buffer;
}

/** When the file came: with the finding, the rectification, the re-inspection, or on its own. */
export type EvidenceStage = 'finding' | 'rectification' | 'reinspection' | 'other';

export interface NewFinding {
  kind: string;
  note: string;
  /** The hazard the finding opens, as the lifecycle decided it. */
  opened: HazardState;
  evidence: readonly EvidenceFile[];
}

export interface NewInspection {
  enterpriseId: string;
  /** When the inspector found what it found. */
  at: Instant;
  /** When it was recorded: the time of the regrade. */
  recordedAt: Instant;
  note: string;
  campaignId: string | null;
  inspector: HazardActor;
  findings: readonly NewFinding[];
}

export interface InspectionRecord {
  id: string;
  enterpriseId: string;
  at: Date;
  inspectorName: string;
  inspectorTokenId: string;
  note: string;
  campaignId: string | null;
  recordedAt: Date;
  hazardIds: string[];
}

export interface HazardRecord {
  id: string;
  inspectionId: string;
  enterpriseId: string;
  kind: string;
  severity: Grade;
  note: string;
  status: HazardStatus;
  deadline: Date;
  responsibleContactId: string | null;
  openedAt: Date;
  rectifiedAt: Date | null;
  rectifiedBy: string | null;
  rectifiedNote: string | null;
  verifiedAt: Date | null;
  verifiedBy: string | null;
  reopenCount: number;
  overdueNotifiedAt: Date | null;
}

/** A hazard the overdue sweep claimed, with the substation whose area holds its enterprise. */
export interface OverdueHazard extends HazardRecord {
  substationId: string | null;
}

export type HazardAction = HazardTransition | 'evidence-added';

export interface HazardEventRecord {
  seq: number;
  at: Date;
  action: HazardAction;
  status: HazardStatus;
  deadline: Date;
  actor: HazardActor;
  note: string | null;
}

/** An evidence file without its bytes. */
export interface EvidenceRecord {
  id: string;
  name: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  addedAt: Date;
  addedBy: string;
  stage: EvidenceStage;
}

export interface HazardDetail extends HazardRecord {
  history: HazardEventRecord[];
  evidence: EvidenceRecord[];
}

export type GradeChange = (GradeChangeRow & { to: Grade }) | null;

export interface HazardListQuery {
  enterpriseId?: string;
  /** Hazards of the enterprises the substation's area holds now. */
  substationId?: string;
  status?: HazardStatus;
  /** With `now`: only hazards still to be rectified past their deadline (true), or all others (false). */
  overdue?: boolean;
  now: Instant;
  limit: number;
  offset: number;
}

export interface InspectionListQuery {
  enterpriseId?: string;
  limit: number;
  offset: number;
}

/** A change of a hazard's state, decided by the lifecycle from the state stored under the lock. */
export interface HazardStateChange {
  hazardId: string;
  at: Instant;
  actor: HazardActor;
  note: string | null;
  decide: (state: HazardState) => HazardChange;
  evidence: readonly EvidenceFile[];
}

interface InspectionSqlRow {
  id: string;
  enterprise_id: string;
  at: Date;
  inspector_name: string;
  inspector_token_id: string;
  note: string;
  campaign_id: string | null;
  recorded_at: Date;
  hazard_ids: string[] | null;
}

interface HazardSqlRow {
  id: string;
  inspection_id: string;
  enterprise_id: string;
  kind: string;
  severity: Grade;
  note: string;
  status: HazardStatus;
  deadline: Date;
  responsible_contact_id: string | null;
  opened_at: Date;
  rectified_at: Date | null;
  rectified_by: string | null;
  rectified_note: string | null;
  verified_at: Date | null;
  verified_by: string | null;
  reopen_count: number;
  overdue_notified_at: Date | null;
}

interface HazardEventSqlRow {
  seq: number;
  at: Date;
  action: HazardAction;
  status: HazardStatus;
  deadline: Date;
  actor_name: string;
  actor_token_id: string;
  actor_role: string;
  note: string | null;
}

interface EvidenceSqlRow {
  id: string;
  name: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  added_at: Date;
  added_by: string;
  stage: EvidenceStage;
}

const HAZARD_COLUMNS = `id, inspection_id, enterprise_id, kind, severity, note, status, deadline, responsible_contact_id, opened_at,
  rectified_at, rectified_by, rectified_note, verified_at, verified_by, reopen_count, overdue_notified_at`;

const INSPECTION_SELECT = `SELECT i.id, i.enterprise_id, i.at, i.inspector_name, i.inspector_token_id, i.note, i.campaign_id, i.recorded_at,
  (SELECT array_agg(h.id ORDER BY h.id) FROM hazards h WHERE h.inspection_id = i.id) AS hazard_ids
  FROM inspections i`;

const EVIDENCE_COLUMNS = 'id, name, content_type, size_bytes, sha256, added_at, added_by, stage';

function hazardRecord(r: HazardSqlRow): HazardRecord {
  return {
    id: r.id,
    inspectionId: r.inspection_id,
    enterpriseId: r.enterprise_id,
    kind: r.kind,
    severity: r.severity,
    note: r.note,
    status: r.status,
    deadline: r.deadline,
    responsibleContactId: r.responsible_contact_id,
    openedAt: r.opened_at,
    rectifiedAt: r.rectified_at,
    rectifiedBy: r.rectified_by,
    rectifiedNote: r.rectified_note,
    verifiedAt: r.verified_at,
    verifiedBy: r.verified_by,
    reopenCount: r.reopen_count,
    overdueNotifiedAt: r.overdue_notified_at,
  };
}

function inspectionRecord(r: InspectionSqlRow): InspectionRecord {
  return {
    id: r.id,
    enterpriseId: r.enterprise_id,
    at: r.at,
    inspectorName: r.inspector_name,
    inspectorTokenId: r.inspector_token_id,
    note: r.note,
    campaignId: r.campaign_id,
    recordedAt: r.recorded_at,
    hazardIds: r.hazard_ids ?? [],
  };
}

function evidenceRecord(r: EvidenceSqlRow): EvidenceRecord {
  return {
    id: r.id,
    name: r.name,
    contentType: r.content_type,
    sizeBytes: r.size_bytes,
    sha256: r.sha256,
    addedAt: r.added_at,
    addedBy: r.added_by,
    stage: r.stage,
  };
}

/**
 * Inspections, the hazards they found and what became of them. Every write is one transaction that also appends
 * the hazard's history and regrades its enterprise, so the grade never disagrees with the hazards stored; a
 * transition the lifecycle refuses throws inside it and leaves nothing written.
 */
export class InspectionsRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Null when there is no such enterprise. */
  async record(
    inspection: NewInspection,
    grade: GradeFunction,
    correlationId: string,
  ): Promise<{ inspection: InspectionRecord; hazards: HazardRecord[]; gradeChange: GradeChange } | null> {
    const at = toDate(inspection.at);
    const recordedAt = toDate(inspection.recordedAt);
    return this.sql.transaction(async (tx) => {
      if ((await tx.query('SELECT 1 FROM enterprises WHERE id = $1', [inspection.enterpriseId])).length === 0) return null;
      // Responsibility to a person (责任到人): the enterprise's responsible contact when the hazard was found.
      const responsible = await tx.query<{ id: string }>(
        `SELECT id FROM contacts WHERE enterprise_id = $1 AND role = 'responsible' AND status = 'active' ORDER BY id LIMIT 1`,
        [inspection.enterpriseId],
      );
      const id = randomUUID();
      await tx.query(
        `INSERT INTO inspections (id, enterprise_id, at, inspector_name, inspector_token_id, note, campaign_id, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          id,
          inspection.enterpriseId,
          at,
          inspection.inspector.name,
          inspection.inspector.tokenId,
          inspection.note,
          inspection.campaignId,
          recordedAt,
        ],
      );
      const hazards: HazardRecord[] = [];
      for (const finding of inspection.findings) {
        const rows = await tx.query<HazardSqlRow>(
          `INSERT INTO hazards (id, inspection_id, enterprise_id, kind, severity, note, status, deadline, responsible_contact_id,
             opened_at, reopen_count)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${HAZARD_COLUMNS}`,
          [
            randomUUID(),
            id,
            inspection.enterpriseId,
            finding.kind,
            finding.opened.severity,
            finding.note,
            finding.opened.status,
            toDate(finding.opened.deadline),
            responsible[0]?.id ?? null,
            at,
            finding.opened.reopenCount,
          ],
        );
        const hazard = hazardRecord(rows[0]);
        await appendEvent(tx, hazard, 'opened', at, inspection.inspector, finding.note || null);
        await insertEvidence(tx, hazard.id, finding.evidence, at, inspection.inspector, 'finding');
        hazards.push(hazard);
      }
      const gradeChange = await regradeInTransaction(tx, inspection.enterpriseId, grade, recordedAt, correlationId);
      const stored = await tx.query<InspectionSqlRow>(`${INSPECTION_SELECT} WHERE i.id = $1`, [id]);
      return { inspection: inspectionRecord(stored[0]), hazards, gradeChange };
    });
  }

  /**
   * Rectification or re-inspection: the lifecycle decides from the state stored under the hazard's row lock; the
   * hazard, its history, the evidence and the enterprise's grade are written together. Null when there is no
   * such hazard; the lifecycle's refusal is thrown.
   */
  async changeState(
    change: HazardStateChange,
    grade: GradeFunction,
    correlationId: string,
  ): Promise<{ hazard: HazardRecord; gradeChange: GradeChange } | null> {
    const at = toDate(change.at);
    return this.sql.transaction(async (tx) => {
      const rows = await tx.query<HazardSqlRow>(`SELECT ${HAZARD_COLUMNS} FROM hazards WHERE id = $1 FOR UPDATE`, [change.hazardId]);
      if (rows.length === 0) return null;
      const before = hazardRecord(rows[0]);
      const { state, transition } = change.decide({
        status: before.status,
        severity: before.severity,
        deadline: before.deadline.getTime(),
        reopenCount: before.reopenCount,
      });
      const [set, extra] =
        transition === 'rectified'
          ? ['rectified_at = $5, rectified_by = $6, rectified_note = $7', [at, change.actor.name, change.note]]
          : transition === 'verified'
            ? ['verified_at = $5, verified_by = $6', [at, change.actor.name]]
            : // Reopened: the enterprise rectifies again, and the overdue job may tell of the new deadline.
              ['overdue_notified_at = NULL', []];
      const updated = await tx.query<HazardSqlRow>(
        `UPDATE hazards SET status = $2, deadline = $3, reopen_count = $4, ${set} WHERE id = $1 RETURNING ${HAZARD_COLUMNS}`,
        [before.id, state.status, toDate(state.deadline), state.reopenCount, ...extra],
      );
      const hazard = hazardRecord(updated[0]);
      await appendEvent(tx, hazard, transition, at, change.actor, change.note);
      await insertEvidence(tx, hazard.id, change.evidence, at, change.actor, transition === 'rectified' ? 'rectification' : 'reinspection');
      const gradeChange = await regradeInTransaction(tx, hazard.enterpriseId, grade, at, correlationId);
      return { hazard, gradeChange };
    });
  }

  /** Adds evidence to a hazard in any state, recorded in its history. Null when there is no such hazard. */
  async addEvidence(hazardId: string, files: readonly EvidenceFile[], at: Instant, actor: HazardActor): Promise<EvidenceRecord[] | null> {
    return this.sql.transaction(async (tx) => {
      const rows = await tx.query<HazardSqlRow>(`SELECT ${HAZARD_COLUMNS} FROM hazards WHERE id = $1 FOR UPDATE`, [hazardId]);
      if (rows.length === 0) return null;
      const hazard = hazardRecord(rows[0]);
      const added = await insertEvidence(tx, hazardId, files, toDate(at), actor, 'other');
      await appendEvent(tx, hazard, 'evidence-added', toDate(at), actor, added.map((e) => e.name).join(', '));
      return added;
    });
  }

  async find(id: string): Promise<HazardRecord | null> {
    const rows = await this.sql.query<HazardSqlRow>(`SELECT ${HAZARD_COLUMNS} FROM hazards WHERE id = $1`, [id]);
    return rows[0] ? hazardRecord(rows[0]) : null;
  }

  /** The hazard with its history, oldest first, and its evidence without the bytes. */
  async detail(id: string): Promise<HazardDetail | null> {
    const hazard = await this.find(id);
    if (!hazard) return null;
    const [events, evidence] = await Promise.all([
      this.sql.query<HazardEventSqlRow>(
        `SELECT seq, at, action, status, deadline, actor_name, actor_token_id, actor_role, note FROM hazard_events
         WHERE hazard_id = $1 ORDER BY seq`,
        [id],
      ),
      this.sql.query<EvidenceSqlRow>(`SELECT ${EVIDENCE_COLUMNS} FROM hazard_evidence WHERE hazard_id = $1 ORDER BY added_at, id`, [id]),
    ]);
    return {
      ...hazard,
      history: events.map((e) => ({
        seq: e.seq,
        at: e.at,
        action: e.action,
        status: e.status,
        deadline: e.deadline,
        actor: { name: e.actor_name, tokenId: e.actor_token_id, role: e.actor_role },
        note: e.note,
      })),
      evidence: evidence.map(evidenceRecord),
    };
  }

  /** One evidence file of a hazard with its bytes; null when the hazard has no such file. */
  async evidenceFile(hazardId: string, evidenceId: string): Promise<(EvidenceRecord & { data: Buffer }) | null> {
    const rows = await this.sql.query<EvidenceSqlRow & { data_base64: string }>(
      `SELECT ${EVIDENCE_COLUMNS}, encode(data, 'base64') AS data_base64 FROM hazard_evidence WHERE hazard_id = $1 AND id = $2`,
      [hazardId, evidenceId],
    );
    return rows[0] ? { ...evidenceRecord(rows[0]), data: Buffer.from(rows[0].data_base64, 'base64') } : null;
  }

  /** Soonest due first. */
  async list(q: HazardListQuery): Promise<HazardRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (q.enterpriseId) where.push(`enterprise_id = ${param(q.enterpriseId)}`);
    if (q.substationId) where.push(`enterprise_id IN (SELECT id FROM enterprises WHERE substation_id = ${param(q.substationId)})`);
    if (q.status) where.push(`status = ${param(q.status)}`);
    if (q.overdue !== undefined) {
      const overdue = `(status IN ('open', 'reopened') AND deadline < ${param(toDate(q.now))})`;
      where.push(q.overdue ? overdue : `NOT ${overdue}`);
    }
    const rows = await this.sql.query<HazardSqlRow>(
      `SELECT ${HAZARD_COLUMNS} FROM hazards ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY deadline, id LIMIT ${param(q.limit)} OFFSET ${param(q.offset)}`,
      params,
    );
    return rows.map(hazardRecord);
  }

  /**
   * Claims hazards still to be rectified past their deadline and not yet told of (at most `limit`, soonest due
   * first) and hands them to `announce` inside the same transaction: the claim commits only if the announcement
   * went out, and processes sweeping at once skip each other's rows. An announcement whose commit then fails is
   * made again on the next sweep (at least once).
   */
  async claimOverdue(now: Instant, limit: number, announce: (hazards: OverdueHazard[]) => Promise<void>): Promise<OverdueHazard[]> {
    const at = toDate(now);
    return this.sql.transaction(async (tx) => {
      const rows = await tx.query<HazardSqlRow & { substation_id: string | null }>(
        `WITH due AS (
           SELECT id FROM hazards
           WHERE status IN ('open', 'reopened') AND deadline < $1 AND overdue_notified_at IS NULL
           ORDER BY deadline, id LIMIT $2 FOR UPDATE SKIP LOCKED
         ), claimed AS (
           UPDATE hazards h SET overdue_notified_at = $1 FROM due WHERE h.id = due.id RETURNING h.*
         )
         SELECT c.*, e.substation_id FROM claimed c JOIN enterprises e ON e.id = c.enterprise_id ORDER BY c.deadline, c.id`,
        [at, limit],
      );
      const claimed = rows.map((r) => ({ ...hazardRecord(r), substationId: r.substation_id }));
      if (claimed.length > 0) await announce(claimed);
      return claimed;
    });
  }

  /** Newest first. */
  async listInspections(q: InspectionListQuery): Promise<InspectionRecord[]> {
    const params: unknown[] = [q.limit, q.offset];
    let where = '';
    if (q.enterpriseId) {
      params.push(q.enterpriseId);
      where = 'WHERE i.enterprise_id = $3';
    }
    const rows = await this.sql.query<InspectionSqlRow>(
      `${INSPECTION_SELECT} ${where} ORDER BY i.at DESC, i.id LIMIT $1 OFFSET $2`,
      params,
    );
    return rows.map(inspectionRecord);
  }
}

async function appendEvent(
  tx: SqlExecutor,
  hazard: HazardRecord,
  action: HazardAction,
  at: Date,
  actor: HazardActor,
  note: string | null,
): Promise<void> {
  await tx.query(
    `INSERT INTO hazard_events (hazard_id, seq, at, action, status, deadline, actor_name, actor_token_id, actor_role, note)
     SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $9 FROM hazard_events WHERE hazard_id = $1`,
    [hazard.id, at, action, hazard.status, hazard.deadline, actor.name, actor.tokenId, actor.role, note],
  );
}

async function insertEvidence(
  tx: SqlExecutor,
  hazardId: string,
  files: readonly EvidenceFile[],
  at: Date,
  actor: HazardActor,
  stage: EvidenceStage,
): Promise<EvidenceRecord[]> {
  const added: EvidenceRecord[] = [];
  for (const f of files) {
    // Sent as base64 text: the same on pg and on PGlite behind its worker thread, whatever each does with binary parameters.
    const rows = await tx.query<EvidenceSqlRow>(
      `INSERT INTO hazard_evidence (id, hazard_id, name, content_type, size_bytes, sha256, data, added_at, added_by, stage)
       VALUES ($1, $2, $3, $4, $5, $6, decode($7, 'base64'), $8, $9, $10) RETURNING ${EVIDENCE_COLUMNS}`,
      [
        randomUUID(),
        hazardId,
        f.name,
        f.contentType,
        f.data.length,
        createHash('sha256').update(f.data).digest('hex'),
        f.data.toString('base64'),
        at,
        actor.name,
        stage,
      ],
    );
    added.push(evidenceRecord(rows[0]));
  }
  return added;
}
