import { firstSignalClass, Grade, gradeRank, IncidentStatus, MilestoneName, SignalClass } from '@app/contracts';
import { GeoPoint, IncidentOutcome, IncidentResolution, MilestoneState, TimelinePolicy, TimelineState } from '@app/domain';
import { IncidentRecord, RecordedEscalation } from './incident-record';
import { SqlClient, SqlExecutor } from './sql-client';

export interface NewIncident {
  id: string;
  enterpriseId: string;
  grade: Grade;
  /** The class of the alarm that opens or joins it; null or absent for a grade change. */
  signalClass?: SignalClass | null;
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
  /** A graver grade, or a class handled sooner (a fire joining a gas incident): the incident changed. */
  regraded: boolean;
}

export interface PendingDeadline {
  incidentId: string;
  milestone: MilestoneName;
  /** A milestone's deadline, or the next re-notification of one already escalated. */
  kind: 'deadline' | 'renotify';
  dueAt: number;
  signalClass: SignalClass | null;
}

export interface SubstationLoad {
  id: string;
  activeIncidents: number;
}

/** What a timeline change decides: the next state, and the escalation to record with it (once: a second is refused). */
export interface TimelineChange {
  state: TimelineState;
  escalation?: RecordedEscalation;
  /** How the incident ended, saved with the change that resolves it. */
  resolution?: IncidentResolution;
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
  signal_class: SignalClass | null;
  level: number;
  status: IncidentStatus;
  dispatched_at: Date;
  resolved_at: Date | null;
  assignment_reason: string;
  policy: TimelinePolicy;
  backup_substation_ids: string[];
  correlation_id: string;
  outcome: IncidentOutcome | null;
  outcome_cause: string | null;
  outcome_note: string | null;
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

/** An incident row read under its lock with its children as JSON (times as epoch milliseconds). */
interface LockedIncidentRow extends IncidentRow {
  milestones_json: Array<{
    name: MilestoneName;
    due_at: number;
    at: number | null;
    by: string | null;
    escalated_at: number | null;
    renotifications: number;
  }>;
  escalations_json: Array<{
    milestone: MilestoneName;
    at: number;
    due_at: number;
    backup_substation_id: string | null;
    late_by_ms: number;
  }>;
  alarms_json: string[];
}

/** A timestamptz as epoch milliseconds, exact to the millisecond (null stays null). */
const epochMs = (column: string) => `round(extract(epoch from ${column}) * 1000)`;

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
        const open = await tx.query<{ id: string; grade: Grade; signal_class: SignalClass | null }>(
          `SELECT id, grade, signal_class FROM incidents WHERE enterprise_id = $1 AND status <> 'resolved' FOR UPDATE`,
          [input.enterpriseId],
        );
        if (open.length > 0) {
          const { id, grade, signal_class: signalClass } = open[0];
          if (input.alarmId) {
            await tx.query(`INSERT INTO incident_alarms (incident_id, alarm_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
              id,
              input.alarmId,
            ]);
          }
          const graver = gradeRank(input.grade) > gradeRank(grade);
          const nextClass = firstSignalClass(signalClass, input.signalClass ?? null);
          const regraded = graver || nextClass !== signalClass;
          if (regraded) {
            await tx.query(`UPDATE incidents SET grade = $2, signal_class = $3 WHERE id = $1`, [
              id,
              graver ? input.grade : grade,
              nextClass,
            ]);
          }
          return { id, created: false, regraded };
        }
        const t = input.timeline;
        const inserted = await tx.query<{ id: string }>(
          `INSERT INTO incidents (id, enterprise_id, substation_id, grade, level, status, dispatched_at, assignment_reason, policy, opened_by_alarm_id, backup_substation_ids, correlation_id, signal_class)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11::jsonb, $12, $13)
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
            input.signalClass ?? null,
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
   * Changes an incident's timeline as one transaction of two statements: one reads the incident with its
   * milestones, escalations and alarms under the row lock and hands the current state to `change`; one
   * records the escalation it asks for (refused when recorded already: its primary key), saves the next
   * state and the milestones that changed. The incident given back is built from what was written, not read
   * again. (The open-incident count of each substation follows in the same transaction: migration 014.)
   */
  async updateTimeline(id: string, change: TimelineChangeFn): Promise<TimelineUpdate> {
    return this.sql.transaction(async (tx): Promise<TimelineUpdate> => {
      const rows = await tx.query<LockedIncidentRow>(
        `SELECT i.*,
           (SELECT coalesce(jsonb_agg(jsonb_build_object('name', m.name, 'due_at', ${epochMs('m.due_at')}, 'at', ${epochMs('m.at')},
                     'by', m.by, 'escalated_at', ${epochMs('m.escalated_at')}, 'renotifications', m.renotifications)), '[]'::jsonb)
              FROM incident_milestones m WHERE m.incident_id = i.id) AS milestones_json,
           (SELECT coalesce(jsonb_agg(jsonb_build_object('milestone', e.milestone, 'at', ${epochMs('e.at')}, 'due_at', ${epochMs('e.due_at')},
                     'backup_substation_id', e.backup_substation_id, 'late_by_ms', e.late_by_ms) ORDER BY e.at), '[]'::jsonb)
              FROM incident_escalations e WHERE e.incident_id = i.id) AS escalations_json,
           (SELECT coalesce(jsonb_agg(a.alarm_id ORDER BY a.alarm_id), '[]'::jsonb) FROM incident_alarms a WHERE a.incident_id = i.id) AS alarms_json
         FROM incidents i WHERE i.id = $1 FOR UPDATE OF i`,
        [id],
      );
      if (rows.length === 0) return { outcome: 'missing' };
      const row = rows[0];
      const milestones = row.milestones_json.map((m): MilestoneRow => ({
        incident_id: id,
        name: m.name,
        due_at: new Date(Number(m.due_at)),
        at: m.at === null ? null : new Date(Number(m.at)),
        met: null,
        by: m.by,
        escalated_at: m.escalated_at === null ? null : new Date(Number(m.escalated_at)),
        renotifications: Number(m.renotifications),
      }));
      const current = toState(row, milestones);
      const next = change(current);
      if (next === null) return { outcome: 'unchanged' };
      const escalations: RecordedEscalation[] = row.escalations_json.map((e) => ({
        milestone: e.milestone,
        at: Number(e.at),
        dueAt: Number(e.due_at),
        backupSubstationId: e.backup_substation_id,
        lateByMs: Number(e.late_by_ms),
      }));
      const escalation = next.escalation ? { ...next.escalation, lateByMs: Math.round(next.escalation.lateByMs) } : null;
      // Escalations are recorded only here, under this lock: one already recorded is seen, not re-inserted.
      if (escalation && escalations.some((e) => e.milestone === escalation.milestone)) return { outcome: 'unchanged' };
      const resolution = next.resolution ?? null;
      if (!(await this.save(tx, id, current, next.state, escalation, resolution))) return { outcome: 'unchanged' };
      const timeline = stored(next.state);
      const incident: IncidentRecord = {
        id: row.id,
        enterpriseId: row.enterprise_id,
        grade: row.grade,
        signalClass: row.signal_class,
        assignmentReason: row.assignment_reason,
        correlationId: row.correlation_id,
        alarmIds: row.alarms_json,
        timeline,
        escalations: escalation ? [...escalations, escalation].sort((a, b) => a.at - b.at) : escalations,
        resolution: resolution ?? resolutionOf(row),
      };
      return { outcome: 'changed', incident };
    });
  }

  /** One statement: the escalation (when there is one, and only if not recorded), the incident, and its changed milestones. */
  private async save(
    tx: SqlExecutor,
    id: string,
    current: TimelineState,
    state: TimelineState,
    e: RecordedEscalation | null,
    resolution: IncidentResolution | null,
  ): Promise<boolean> {
    const changed = state.milestones
      .filter((m) => {
        const was = current.milestones.find((c) => c.name === m.name);
        return (
          !was ||
          was.at !== m.at ||
          was.by !== m.by ||
          was.escalatedAt !== m.escalatedAt ||
          (was.renotifications ?? 0) !== (m.renotifications ?? 0)
        );
      })
      .map((m) => ({
        name: m.name,
        at: m.at,
        by: m.by,
        met: m.at === null ? null : m.at <= m.dueAt,
        escalated_at: m.escalatedAt,
        renotifications: m.renotifications ?? 0,
      }));
    const [result] = await tx.query<{ saved: number }>(
      `WITH esc AS (
         INSERT INTO incident_escalations (incident_id, milestone, at, due_at, backup_substation_id, late_by_ms)
         SELECT $1::text, $7::text, $8::timestamptz, $9::timestamptz, $10::text, $11::int WHERE $7::text IS NOT NULL
         ON CONFLICT DO NOTHING RETURNING incident_id
       ), inc AS (
         UPDATE incidents SET status = $2, level = $3, backup_substation_ids = $4::jsonb, resolved_at = $5, substation_id = $6,
           outcome = coalesce($13::text, outcome), outcome_cause = CASE WHEN $13::text IS NULL THEN outcome_cause ELSE $14::text END,
           outcome_note = CASE WHEN $13::text IS NULL THEN outcome_note ELSE $15::text END
         WHERE id = $1 AND ($7::text IS NULL OR EXISTS (SELECT 1 FROM esc)) RETURNING id
       ), ms AS (
         UPDATE incident_milestones m SET
           at = CASE WHEN u.at IS NULL THEN NULL ELSE 'epoch'::timestamptz + u.at * interval '1 millisecond' END,
           by = u.by, met = u.met,
           escalated_at = CASE WHEN u.escalated_at IS NULL THEN NULL ELSE 'epoch'::timestamptz + u.escalated_at * interval '1 millisecond' END,
           renotifications = u.renotifications
         FROM jsonb_to_recordset($12::jsonb) AS u(name text, at float8, by text, met boolean, escalated_at float8, renotifications int)
         WHERE m.incident_id = $1 AND m.name = u.name AND EXISTS (SELECT 1 FROM inc)
         RETURNING 1
       )
       SELECT (SELECT count(*) FROM inc)::int AS saved`,
      [
        id,
        state.status,
        state.level,
        JSON.stringify(state.backupSubstationIds),
        state.resolvedAt === null ? null : new Date(state.resolvedAt),
        state.substationId,
        e?.milestone ?? null,
        e ? new Date(e.at) : null,
        e ? new Date(e.dueAt) : null,
        e?.backupSubstationId ?? null,
        e?.lateByMs ?? null,
        JSON.stringify(changed),
        resolution?.outcome ?? null,
        resolution?.cause ?? null,
        resolution?.note ?? null,
      ],
    );
    return Number(result.saved) > 0;
  }

  /** Where an open incident's enterprise is (to choose a backup near it); null when resolved or unknown. One read. */
  async openIncidentLocation(id: string): Promise<{ location: GeoPoint | null } | null> {
    const rows = await this.sql.query<{ lat: number | null; lon: number | null }>(
      `SELECT e.lat, e.lon FROM incidents i LEFT JOIN enterprises e ON e.id = i.enterprise_id WHERE i.id = $1 AND i.status <> 'resolved'`,
      [id],
    );
    if (rows.length === 0) return null;
    const { lat, lon } = rows[0];
    return { location: lat === null || lon === null ? null : { lat: Number(lat), lon: Number(lon) } };
  }

  /**
   * What falls due before `until`, earliest first: deadlines of milestones not
   * reached and not escalated, and re-notifications of escalated ones still
   * unmet (the policy frozen into the incident says how often and how many).
   */
  async pendingDeadlines(until: number, limit: number): Promise<PendingDeadline[]> {
    const rows = await this.sql.query<{
      incident_id: string;
      name: MilestoneName;
      kind: 'deadline' | 'renotify';
      due_at: Date;
      signal_class: SignalClass | null;
    }>(
      `SELECT * FROM (
         SELECT m.incident_id, m.name, 'deadline' AS kind, m.due_at, i.signal_class
         FROM incident_milestones m JOIN incidents i ON i.id = m.incident_id
         WHERE m.at IS NULL AND m.escalated_at IS NULL AND i.status <> 'resolved' AND m.due_at <= $1
         UNION ALL
         SELECT m.incident_id, m.name, 'renotify' AS kind,
                m.escalated_at + (m.renotifications + 1) * (i.policy->>'renotifyS')::float8 * interval '1 second' AS due_at,
                i.signal_class
         FROM incident_milestones m JOIN incidents i ON i.id = m.incident_id
         WHERE m.at IS NULL AND m.escalated_at IS NOT NULL AND i.status <> 'resolved'
           AND coalesce((i.policy->>'renotifyS')::float8, 0) > 0
           AND m.renotifications < coalesce((i.policy->>'maxRenotifications')::int, 0)
           AND m.escalated_at + (m.renotifications + 1) * (i.policy->>'renotifyS')::float8 * interval '1 second' <= $1
       ) due ORDER BY due_at, incident_id, name LIMIT $2`,
      [new Date(until), limit],
    );
    return rows.map((r) => ({
      incidentId: r.incident_id,
      milestone: r.name,
      kind: r.kind,
      dueAt: r.due_at.getTime(),
      signalClass: r.signal_class,
    }));
  }

  /** Incidents not yet resolved, by status. */
  async countOpenByStatus(): Promise<Array<{ status: IncidentStatus; count: number }>> {
    const rows = await this.sql.query<{ status: IncidentStatus; n: number }>(
      `SELECT status, count(*)::int AS n FROM incidents WHERE status <> 'resolved' GROUP BY status`,
    );
    return rows.map((r) => ({ status: r.status, count: Number(r.n) }));
  }

  /** Open incidents per substation, from the counter the database keeps on every incident change (migration 014): no scan. */
  async substationLoads(): Promise<SubstationLoad[]> {
    const rows = await this.sql.query<{ id: string; active: number }>(
      `SELECT s.id, coalesce(l.active, 0) AS active FROM substations s
       LEFT JOIN substation_loads l ON l.substation_id = s.id ORDER BY s.id`,
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
      signalClass: row.signal_class,
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
      resolution: resolutionOf(row),
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

function resolutionOf(row: IncidentRow): IncidentResolution | null {
  return row.outcome === null || row.outcome === undefined
    ? null
    : { outcome: row.outcome, cause: row.outcome_cause, note: row.outcome_note };
}

/** A timeline as the database gives it back: the stored fields only, milestones in order. */
function stored(state: TimelineState): TimelineState {
  return {
    dispatchedAt: state.dispatchedAt,
    policy: state.policy,
    status: state.status,
    substationId: state.substationId,
    backupSubstationIds: [...state.backupSubstationIds],
    level: state.level,
    milestones: [...state.milestones]
      .sort((a, b) => MILESTONE_ORDER[a.name] - MILESTONE_ORDER[b.name])
      .map((m) => ({
        name: m.name,
        dueAt: m.dueAt,
        at: m.at,
        by: m.by,
        escalatedAt: m.escalatedAt,
        renotifications: m.renotifications ?? 0,
      })),
    resolvedAt: state.resolvedAt,
  };
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
