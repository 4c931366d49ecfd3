import { Grade, gradeRank, IncidentStatus, MilestoneName } from '@app/contracts';
import { MilestoneState, TimelinePolicy, TimelineState } from '@app/domain';
import { IncidentRecord, RecordedEscalation } from './incident-record';
import { SqlClient, SqlExecutor } from './sql-client';

export interface NewIncident {
  id: string;
  enterpriseId: string;
  grade: Grade;
  assignmentReason: string;
  /** Identifies what opened it (an alarm at a grade), so reprocessing that message finds it again. */
  openedByKey: string;
  alarmId: string | null;
  correlationId: string;
  timeline: TimelineState;
}

export interface OpenOrJoinResult {
  incident: IncidentRecord;
  created: boolean;
  regraded: boolean;
}

export interface PendingDeadline {
  incidentId: string;
  milestone: MilestoneName;
  /** A milestone's deadline, or the next re-notification of one already escalated. */
  kind: 'deadline' | 'renotify';
  dueAt: number;
}

export interface SubstationLoad {
  id: string;
  activeIncidents: number;
}

/** What a timeline change decides: the next state, and the escalation to record with it (once: a second is refused). */
export interface TimelineChange {
  state: TimelineState;
  escalation?: RecordedEscalation;
}

/**
 * Given the incident's timeline as it is under the row lock, the change to make, or null for nothing to do.
 * Pure: whatever it needs from elsewhere is read before. A TimelineError it throws rolls the update back.
 */
export type TimelineChangeFn = (current: TimelineState) => TimelineChange | null;

export type TimelineUpdate = { outcome: 'missing' } | { outcome: 'unchanged' } | { outcome: 'changed'; incident: IncidentRecord };

interface IncidentRow {
  id: string;
  enterprise_id: string;
  substation_id: string;
  grade: Grade;
  level: number;
  status: IncidentStatus;
  dispatched_at: Date;
  resolved_at: Date | null;
  assignment_reason: string;
  policy: TimelinePolicy;
  backup_substation_ids: string[];
  correlation_id: string;
}

interface EscalationRow {
  incident_id: string;
  milestone: MilestoneName;
  at: Date;
  due_at: Date;
  backup_substation_id: string | null;
  late_by_ms: number;
}

interface MilestoneRow {
  incident_id: string;
  name: MilestoneName;
  due_at: Date;
  at: Date | null;
  met: boolean | null;
  by: string | null;
  escalated_at: Date | null;
  renotifications: number;
}

const MILESTONE_ORDER: Record<MilestoneName, number> = { acknowledged: 0, onScene: 1, underControl: 2 };

/**
 * Incidents with their 1-3-5 milestones. One open incident per enterprise is a
 * database constraint (a partial unique index), so two processes handling the
 * same alarm at once still open one incident.
 */
export class IncidentsRepository {
  constructor(private readonly sql: SqlClient) {}

  async openOrJoin(input: NewIncident): Promise<OpenOrJoinResult> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const outcome = await this.sql.transaction(async (tx) => {
        const seen = await this.alreadyHandled(tx, input);
        if (seen) return { id: seen, created: false, regraded: false };
        const open = await tx.query<{ id: string; grade: Grade }>(
          `SELECT id, grade FROM incidents WHERE enterprise_id = $1 AND status <> 'resolved' FOR UPDATE`,
          [input.enterpriseId],
        );
        if (open.length > 0) {
          const { id, grade } = open[0];
          if (input.alarmId) {
            await tx.query(`INSERT INTO incident_alarms (incident_id, alarm_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
              id,
              input.alarmId,
            ]);
          }
          const regraded = gradeRank(input.grade) > gradeRank(grade);
          if (regraded) await tx.query(`UPDATE incidents SET grade = $2 WHERE id = $1`, [id, input.grade]);
          return { id, created: false, regraded };
        }
        const t = input.timeline;
        const inserted = await tx.query<{ id: string }>(
          `INSERT INTO incidents (id, enterprise_id, substation_id, grade, level, status, dispatched_at, assignment_reason, policy, opened_by_alarm_id, backup_substation_ids, correlation_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11::jsonb, $12)
           ON CONFLICT DO NOTHING RETURNING id`,
          [
            input.id,
            input.enterpriseId,
            t.substationId,
            input.grade,
            t.level,
            t.status,
            new Date(t.dispatchedAt),
            input.assignmentReason,
            JSON.stringify(t.policy),
            input.openedByKey,
            JSON.stringify(t.backupSubstationIds),
            input.correlationId,
          ],
        );
        if (inserted.length === 0) return null;
        for (const m of t.milestones) {
          await tx.query(`INSERT INTO incident_milestones (incident_id, name, due_at) VALUES ($1, $2, $3)`, [
            input.id,
            m.name,
            new Date(m.dueAt),
          ]);
        }
        if (input.alarmId) {
          await tx.query(`INSERT INTO incident_alarms (incident_id, alarm_id) VALUES ($1, $2)`, [input.id, input.alarmId]);
        }
        return { id: input.id, created: true, regraded: false };
      });
      if (outcome) {
        const incident = await this.find(outcome.id);
        if (!incident) throw new Error(`incident ${outcome.id} vanished`);
        return { incident, created: outcome.created, regraded: outcome.regraded };
      }
    }
    throw new Error(`could not open or join an incident for ${input.enterpriseId}`);
  }

  /**
   * Changes an incident's timeline as one transaction: locks the row, hands the current state to `change`,
   * records the escalation it asks for (when not recorded already) and saves the next state.
   */
  async updateTimeline(id: string, change: TimelineChangeFn): Promise<TimelineUpdate> {
    return this.sql.transaction(async (tx): Promise<TimelineUpdate> => {
      const rows = await tx.query<IncidentRow>(`SELECT * FROM incidents WHERE id = $1 FOR UPDATE`, [id]);
      if (rows.length === 0) return { outcome: 'missing' };
      const milestones = await tx.query<MilestoneRow>(`SELECT * FROM incident_milestones WHERE incident_id = $1`, [id]);
      const next = change(toState(rows[0], milestones));
      if (next === null) return { outcome: 'unchanged' };
      if (next.escalation && !(await this.recordEscalation(tx, id, next.escalation))) return { outcome: 'unchanged' };
      await this.save(tx, id, next.state);
      const [incident] = await this.records(tx, `WHERE id = $1`, [id], false);
      return { outcome: 'changed', incident };
    });
  }

  private async save(tx: SqlExecutor, id: string, state: TimelineState): Promise<void> {
    await tx.query(
      `UPDATE incidents SET status = $2, level = $3, backup_substation_ids = $4::jsonb, resolved_at = $5, substation_id = $6 WHERE id = $1`,
      [
        id,
        state.status,
        state.level,
        JSON.stringify(state.backupSubstationIds),
        state.resolvedAt === null ? null : new Date(state.resolvedAt),
        state.substationId,
      ],
    );
    for (const m of state.milestones) {
      await tx.query(
        `UPDATE incident_milestones SET at = $3, by = $4, met = $5, escalated_at = $6, renotifications = $7 WHERE incident_id = $1 AND name = $2`,
        [
          id,
          m.name,
          m.at === null ? null : new Date(m.at),
          m.by,
          m.at === null ? null : m.at <= m.dueAt,
          m.escalatedAt === null ? null : new Date(m.escalatedAt),
          m.renotifications ?? 0,
        ],
      );
    }
  }

  /** Records an escalation once (its primary key); false when it was already recorded. */
  private async recordEscalation(tx: SqlExecutor, incidentId: string, e: RecordedEscalation): Promise<boolean> {
    const rows = await tx.query(
      `INSERT INTO incident_escalations (incident_id, milestone, at, due_at, backup_substation_id, late_by_ms)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING incident_id`,
      [incidentId, e.milestone, new Date(e.at), new Date(e.dueAt), e.backupSubstationId, Math.round(e.lateByMs)],
    );
    return rows.length > 0;
  }

  /**
   * What falls due before `until`, earliest first: deadlines of milestones not
   * reached and not escalated, and re-notifications of escalated ones still
   * unmet (the policy frozen into the incident says how often and how many).
   */
  async pendingDeadlines(until: number, limit: number): Promise<PendingDeadline[]> {
    const rows = await this.sql.query<{ incident_id: string; name: MilestoneName; kind: 'deadline' | 'renotify'; due_at: Date }>(
      `SELECT * FROM (
         SELECT m.incident_id, m.name, 'deadline' AS kind, m.due_at
         FROM incident_milestones m JOIN incidents i ON i.id = m.incident_id
         WHERE m.at IS NULL AND m.escalated_at IS NULL AND i.status <> 'resolved' AND m.due_at <= $1
         UNION ALL
         SELECT m.incident_id, m.name, 'renotify' AS kind,
                m.escalated_at + (m.renotifications + 1) * (i.policy->>'renotifyS')::float8 * interval '1 second' AS due_at
         FROM incident_milestones m JOIN incidents i ON i.id = m.incident_id
         WHERE m.at IS NULL AND m.escalated_at IS NOT NULL AND i.status <> 'resolved'
           AND coalesce((i.policy->>'renotifyS')::float8, 0) > 0
           AND m.renotifications < coalesce((i.policy->>'maxRenotifications')::int, 0)
           AND m.escalated_at + (m.renotifications + 1) * (i.policy->>'renotifyS')::float8 * interval '1 second' <= $1
       ) due ORDER BY due_at, incident_id, name LIMIT $2`,
      [new Date(until), limit],
    );
    return rows.map((r) => ({ incidentId: r.incident_id, milestone: r.name, kind: r.kind, dueAt: r.due_at.getTime() }));
  }

  /** Incidents not yet resolved, by status. */
  async countOpenByStatus(): Promise<Array<{ status: IncidentStatus; count: number }>> {
    const rows = await this.sql.query<{ status: IncidentStatus; n: number }>(
      `SELECT status, count(*)::int AS n FROM incidents WHERE status <> 'resolved' GROUP BY status`,
    );
    return rows.map((r) => ({ status: r.status, count: Number(r.n) }));
  }

  async substationLoads(): Promise<SubstationLoad[]> {
    const rows = await this.sql.query<{ id: string; active: number }>(
      `SELECT s.id, count(i.id)::int AS active FROM substations s
       LEFT JOIN incidents i ON i.substation_id = s.id AND i.status <> 'resolved'
       GROUP BY s.id ORDER BY s.id`,
    );
    return rows.map((r) => ({ id: r.id, activeIncidents: Number(r.active) }));
  }

  async find(id: string): Promise<IncidentRecord | null> {
    const [found] = await this.records(this.sql, `WHERE id = $1`, [id], true);
    return found ?? null;
  }

  /** Newest dispatch first; `after` (an incident's dispatch time and id) continues after that incident: keyset paging. */
  async list(filter: {
    status?: IncidentStatus | 'open';
    grade?: Grade;
    substationId?: string;
    enterpriseId?: string;
    after?: { dispatchedAt: Date; id: string };
    limit?: number;
    offset?: number;
  }): Promise<IncidentRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.status === 'open') where.push(`status <> 'resolved'`);
    else if (filter.status) where.push(`status = $${params.push(filter.status)}`);
    if (filter.grade) where.push(`grade = $${params.push(filter.grade)}`);
    if (filter.substationId)
      where.push(`(substation_id = $${params.push(filter.substationId)} OR backup_substation_ids ? $${params.length})`);
    if (filter.enterpriseId) where.push(`enterprise_id = $${params.push(filter.enterpriseId)}`);
    if (filter.after) {
      const at = params.push(filter.after.dispatchedAt);
      where.push(`(dispatched_at < $${at} OR (dispatched_at = $${at} AND id > $${params.push(filter.after.id)}))`);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    return this.records(
      this.sql,
      `${clause} ORDER BY dispatched_at DESC, id LIMIT $${params.push(filter.limit ?? 100)} OFFSET $${params.push(filter.offset ?? 0)}`,
      params,
      true,
    );
  }

  /** On the pool the three child tables are read at once; inside a transaction, one query after the other on its connection. */
  private async records(q: SqlExecutor, tail: string, params: unknown[], parallel: boolean): Promise<IncidentRecord[]> {
    const incidents = await q.query<IncidentRow>(`SELECT * FROM incidents ${tail}`, params);
    if (incidents.length === 0) return [];
    const ids = incidents.map((i) => i.id);
    const reads = [
      () => q.query<MilestoneRow>(`SELECT * FROM incident_milestones WHERE incident_id = ANY($1::text[])`, [ids]),
      () => q.query<EscalationRow>(`SELECT * FROM incident_escalations WHERE incident_id = ANY($1::text[]) ORDER BY at`, [ids]),
      () =>
        q.query<{ incident_id: string; alarm_id: string }>(
          `SELECT * FROM incident_alarms WHERE incident_id = ANY($1::text[]) ORDER BY alarm_id`,
          [ids],
        ),
    ] as const;
    const [milestones, escalations, alarms] = parallel
      ? await Promise.all([reads[0](), reads[1](), reads[2]()])
      : [await reads[0](), await reads[1](), await reads[2]()];
    return incidents.map((row) => ({
      id: row.id,
      enterpriseId: row.enterprise_id,
      grade: row.grade,
      assignmentReason: row.assignment_reason,
      correlationId: row.correlation_id,
      alarmIds: alarms.filter((a) => a.incident_id === row.id).map((a) => a.alarm_id),
      timeline: toState(
        row,
        milestones.filter((m) => m.incident_id === row.id),
      ),
      escalations: escalations
        .filter((e) => e.incident_id === row.id)
        .map((e) => ({
          milestone: e.milestone,
          at: e.at.getTime(),
          dueAt: e.due_at.getTime(),
          backupSubstationId: e.backup_substation_id,
          lateByMs: Number(e.late_by_ms),
        })),
    }));
  }

  private async alreadyHandled(tx: SqlExecutor, input: NewIncident): Promise<string | null> {
    const opened = await tx.query<{ id: string }>(`SELECT id FROM incidents WHERE opened_by_alarm_id = $1`, [input.openedByKey]);
    if (opened.length > 0) return opened[0].id;
    if (!input.alarmId) return null;
    const linked = await tx.query<{ id: string; grade: Grade }>(
      `SELECT i.id, i.grade FROM incident_alarms a JOIN incidents i ON i.id = a.incident_id WHERE a.alarm_id = $1 ORDER BY i.dispatched_at DESC LIMIT 1`,
      [input.alarmId],
    );
    return linked.length > 0 && gradeRank(linked[0].grade) >= gradeRank(input.grade) ? linked[0].id : null;
  }
}

function toState(row: IncidentRow, milestones: MilestoneRow[]): TimelineState {
  const ms: MilestoneState[] = milestones
    .sort((a, b) => MILESTONE_ORDER[a.name] - MILESTONE_ORDER[b.name])
    .map((m) => ({
      name: m.name,
      dueAt: m.due_at.getTime(),
      at: m.at ? m.at.getTime() : null,
      by: m.by,
      escalatedAt: m.escalated_at ? m.escalated_at.getTime() : null,
      renotifications: m.renotifications,
    }));
  return {
    dispatchedAt: row.dispatched_at.getTime(),
    policy: row.policy,
    status: row.status,
    substationId: row.substation_id,
    backupSubstationIds: row.backup_substation_ids,
    level: row.level,
    milestones: ms,
    resolvedAt: row.resolved_at ? row.resolved_at.getTime() : null,
  };
}
