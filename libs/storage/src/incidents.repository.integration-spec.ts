import {
  applyAction,
  DEFAULT_TIMELINE_POLICY,
  dueEscalations,
  escalate,
  generateZone,
  openTimeline,
  TimelineError,
  type TimelineState,
  gradeEnterprise,
} from '@app/domain';
import { IncidentsRepository, type NewIncident } from './incidents.repository';
import type { SqlClient } from './sql-client';
import { secondClient, STORAGE_BACKENDS, type TestDatabase } from '@app/testing/storage-backends';
import { ZoneRepository } from './zone.repository';
import { substationLoadsMigration } from './migrations/014-substation-loads';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const S = 1000;

function incident(overrides: Partial<NewIncident> & { enterpriseId: string; at?: number; substationId?: string }): NewIncident {
  const { at = T0, substationId = 'S1', ...rest } = overrides;
  const id = rest.id ?? `i-${rest.enterpriseId}-${at}`;
  return {
    id,
    grade: 'orange',
    assignmentReason: 'nearest available',
    openedByKey: `key-${id}`,
    alarmId: `a-${id}`,
    correlationId: `c-${id}`,
    timeline: openTimeline(at, DEFAULT_TIMELINE_POLICY, substationId),
    ...rest,
  };
}

/** Acknowledged, on scene and under control, a minute apart from `at`. */
function resolved(state: TimelineState, at: number, by: string): TimelineState {
  const acknowledged = applyAction(state, { type: 'acknowledge', at, by }).state;
  const arrived = applyAction(acknowledged, { type: 'arrive', at: at + 60 * S, by }).state;
  return applyAction(arrived, { type: 'resolve', at: at + 120 * S, by }).state;
}

describe.each(STORAGE_BACKENDS)('IncidentsRepository on $name', (backend) => {
  let db: TestDatabase;
  let other: SqlClient;
  let sut: IncidentsRepository;

  /** An update that always changes the timeline, to `next` of what it is. */
  const change = (id: string, next: (state: TimelineState) => TimelineState) => sut.updateTimeline(id, (state) => ({ state: next(state) }));

  beforeAll(async () => {
    db = await backend.open();
    other = await secondClient(db);
    sut = new IncidentsRepository(db.sql);
    await new ZoneRepository(db.sql).seedIfEmpty(generateZone({ enterprises: 16 }), gradeEnterprise, T0);
  });

  afterAll(async () => {
    if (other !== db.sql) await other.close();
    await db.dispose();
  });

  it('opens an incident with the 1-3-5 milestones and gives it back as stored: the timeline state, its alarms and escalations', async () => {
    const result = await sut.openOrJoin(incident({ id: 'i-1', enterpriseId: 'E0001', alarmId: 'a-1' }));

    expect(result.created).toBe(true);
    expect(result.regraded).toBe(false);
    const pending = (name: string, dueAt: number) => ({ name, dueAt, at: null, by: null, escalatedAt: null, renotifications: 0 });
    expect(result.incident).toEqual({
      id: 'i-1',
      enterpriseId: 'E0001',
      grade: 'orange',
      assignmentReason: 'nearest available',
      correlationId: 'c-i-1',
      alarmIds: ['a-1'],
      signalClass: null,
      resolution: null,
      timeline: {
        dispatchedAt: T0,
        policy: DEFAULT_TIMELINE_POLICY,
        status: 'dispatched',
        substationId: 'S1',
        backupSubstationIds: [],
        level: 1,
        milestones: [pending('acknowledged', T0 + 60 * S), pending('onScene', T0 + 180 * S), pending('underControl', T0 + 300 * S)],
        resolvedAt: null,
      },
      escalations: [],
    });
    await expect(sut.find('i-1')).resolves.toEqual(result.incident);
    await expect(sut.find('missing')).resolves.toBeNull();
  });

  it('finds the same incident when the opening message is processed again, even once resolved', async () => {
    const again = await sut.openOrJoin(
      incident({ id: 'i-1-redelivered', enterpriseId: 'E0001', alarmId: 'a-1', openedByKey: 'key-i-1', at: T0 + 5 * S }),
    );

    expect(again.created).toBe(false);
    expect(again.regraded).toBe(false);
    expect(again.incident).toMatchObject({ id: 'i-1', alarmIds: ['a-1'], timeline: { dispatchedAt: T0 } });

    await change('i-1', (state) => resolved(state, T0 + 30 * S, 'S1'));
    const late = await sut.openOrJoin(
      incident({ id: 'i-1-late', enterpriseId: 'E0001', alarmId: null, openedByKey: 'key-i-1', at: T0 + 900 * S }),
    );

    expect(late).toMatchObject({ created: false, regraded: false, incident: { id: 'i-1', timeline: { status: 'resolved' } } });
    const rows = await db.sql.query(`SELECT id FROM incidents WHERE enterprise_id = 'E0001'`);
    expect(rows).toEqual([{ id: 'i-1' }]);
  });

  it('joins further alarms of the enterprise to its open incident, raising the grade only when worse', async () => {
    await sut.openOrJoin(incident({ id: 'i-3', enterpriseId: 'E0002', alarmId: 'a-3a', grade: 'yellow' }));

    const worse = await sut.openOrJoin(incident({ id: 'i-3b', enterpriseId: 'E0002', alarmId: 'a-3b', grade: 'red', at: T0 + 10 * S }));
    expect(worse).toMatchObject({ created: false, regraded: true, incident: { id: 'i-3', grade: 'red', alarmIds: ['a-3a', 'a-3b'] } });

    const milder = await sut.openOrJoin(incident({ id: 'i-3c', enterpriseId: 'E0002', alarmId: 'a-3c', grade: 'blue', at: T0 + 20 * S }));
    expect(milder).toMatchObject({
      created: false,
      regraded: false,
      incident: { id: 'i-3', grade: 'red', alarmIds: ['a-3a', 'a-3b', 'a-3c'] },
    });
  });

  it('opens exactly one incident per enterprise when processes race, enforced by the database', async () => {
    const racers = [sut, new IncidentsRepository(other)];
    for (let round = 0; round < 3; round++) {
      const at = T0 + round * 3600 * S;
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, n) =>
          racers[n % 2].openOrJoin(incident({ id: `race-${round}-${n}`, enterpriseId: 'E0003', alarmId: `race-a-${round}-${n}`, at })),
        ),
      );

      const open = await db.sql.query<{ id: string }>(`SELECT id FROM incidents WHERE enterprise_id = 'E0003' AND status <> 'resolved'`);
      expect(open).toHaveLength(1);
      expect(new Set(results.map((r) => r.incident.id))).toEqual(new Set([open[0].id]));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect((await sut.find(open[0].id))?.alarmIds).toHaveLength(8);
      await db.sql.query(`UPDATE incidents SET status = 'resolved', resolved_at = $2 WHERE id = $1`, [open[0].id, new Date(at + 600 * S)]);
    }

    const direct = (id: string) =>
      db.sql.query(
        `INSERT INTO incidents (id, enterprise_id, substation_id, grade, status, dispatched_at, assignment_reason, policy, correlation_id)
         VALUES ($1, 'E0003', 'S1', 'red', 'dispatched', $2, 'direct', $3::jsonb, 'c')`,
        [id, new Date(T0), JSON.stringify(DEFAULT_TIMELINE_POLICY)],
      );
    await direct('race-direct-1');
    await expect(direct('race-direct-2')).rejects.toThrow(/incidents_active_enterprise_uq/);
    await db.sql.query(`UPDATE incidents SET status = 'resolved' WHERE id = 'race-direct-1'`);
  });

  it('updates the timeline under a row lock: hands the change the current state, saves the next and gives the incident back', async () => {
    await sut.openOrJoin(incident({ id: 'i-5', enterpriseId: 'E0004', substationId: 'S2' }));
    const metOf = async () =>
      db.sql.query<{ name: string; met: boolean | null }>(
        `SELECT name, met FROM incident_milestones WHERE incident_id = 'i-5' ORDER BY due_at`,
      );

    const acknowledged = await sut.updateTimeline('i-5', (current) => {
      expect(current).toMatchObject({
        dispatchedAt: T0,
        policy: DEFAULT_TIMELINE_POLICY,
        status: 'dispatched',
        substationId: 'S2',
        level: 1,
        resolvedAt: null,
      });
      return { state: applyAction(current, { type: 'acknowledge', at: T0 + 45 * S, by: 'S2 duty officer', substationId: 'S2' }).state };
    });

    expect(acknowledged).toEqual({ outcome: 'changed', incident: await sut.find('i-5') });
    if (acknowledged.outcome !== 'changed') throw new Error('not changed');
    expect(acknowledged.incident).toMatchObject({ id: 'i-5', enterpriseId: 'E0004', grade: 'orange', correlationId: 'c-i-5' });
    expect(acknowledged.incident.timeline).toMatchObject({ status: 'acknowledged', resolvedAt: null });
    expect(acknowledged.incident.timeline.milestones[0]).toEqual({
      name: 'acknowledged',
      dueAt: T0 + 60 * S,
      at: T0 + 45 * S,
      by: 'S2 duty officer',
      escalatedAt: null,
      renotifications: 0,
    });
    expect(await metOf()).toEqual([
      { name: 'acknowledged', met: true },
      { name: 'onScene', met: null },
      { name: 'underControl', met: null },
    ]);

    await change('i-5', (current) => {
      const arrived = applyAction(current, { type: 'arrive', at: T0 + 200 * S, by: 'S2 crew' }).state;
      return applyAction(arrived, { type: 'resolve', at: T0 + 290 * S, by: 'S2 crew' }).state;
    });

    const resolvedIncident = (await sut.find('i-5'))!;
    expect(resolvedIncident.timeline).toMatchObject({ status: 'resolved', resolvedAt: T0 + 290 * S });
    expect(resolvedIncident.timeline.milestones.map((m) => [m.name, m.at, m.by])).toEqual([
      ['acknowledged', T0 + 45 * S, 'S2 duty officer'],
      ['onScene', T0 + 200 * S, 'S2 crew'],
      ['underControl', T0 + 290 * S, 'S2 crew'],
    ]);
    expect(await metOf()).toEqual([
      { name: 'acknowledged', met: true },
      { name: 'onScene', met: false },
      { name: 'underControl', met: true },
    ]);
    await expect(
      sut.updateTimeline('missing', () => {
        throw new Error('no state to change');
      }),
    ).resolves.toEqual({ outcome: 'missing' });

    const next = await sut.openOrJoin(incident({ id: 'i-5-next', enterpriseId: 'E0004', at: T0 + 3600 * S }));
    expect(next).toMatchObject({ created: true, incident: { id: 'i-5-next', timeline: { status: 'dispatched' } } });
  });

  it('writes nothing when the change has nothing to do, and rolls back when it refuses', async () => {
    await sut.openOrJoin(incident({ id: 'i-10', enterpriseId: 'E0010', at: T0 - 2 * 86_400 * S }));
    const before = await sut.find('i-10');

    await expect(sut.updateTimeline('i-10', () => null)).resolves.toEqual({ outcome: 'unchanged' });
    await expect(
      sut.updateTimeline('i-10', (current) => ({
        state: applyAction(current, { type: 'arrive', at: current.dispatchedAt + S, by: 'S1' }).state,
        escalation: { milestone: 'acknowledged', at: T0, dueAt: T0, backupSubstationId: 'S2', lateByMs: 0 },
      })),
    ).rejects.toThrow(TimelineError);

    await expect(sut.find('i-10')).resolves.toEqual(before);
    await db.sql.query(`UPDATE incidents SET status = 'resolved' WHERE id = 'i-10'`);
  });

  it('lists unmet, unescalated deadlines of open incidents, earliest first', async () => {
    // A day before every other case's incidents, so only these fall due by `until`.
    const early = T0 - 24 * 3600 * S;
    await sut.openOrJoin(incident({ id: 'i-6a', enterpriseId: 'E0005', at: early }));
    await sut.openOrJoin(incident({ id: 'i-6b', enterpriseId: 'E0006', at: early + 30 * S, signalClass: 'fire' }));
    await sut.openOrJoin(incident({ id: 'i-6c', enterpriseId: 'E0007', at: early + 10 * S }));
    await change('i-6a', (a) => applyAction(a, { type: 'acknowledge', at: early + 50 * S, by: 'S1' }).state);
    await change('i-6b', (b) => escalate(b, 'acknowledged', early + 95 * S, 'S3'));
    // Resolved with underControl never recorded, which the timeline cannot produce:
    // only the query's own status guard keeps it out.
    await change('i-6c', (c) => ({ ...c, status: 'resolved', resolvedAt: early + 40 * S }));

    await expect(sut.pendingDeadlines(early + 400 * S, 100)).resolves.toEqual([
      { incidentId: 'i-6a', milestone: 'onScene', kind: 'deadline', dueAt: early + 180 * S, signalClass: null },
      { incidentId: 'i-6b', milestone: 'onScene', kind: 'deadline', dueAt: early + 210 * S, signalClass: 'fire' },
      { incidentId: 'i-6a', milestone: 'underControl', kind: 'deadline', dueAt: early + 300 * S, signalClass: null },
      { incidentId: 'i-6b', milestone: 'underControl', kind: 'deadline', dueAt: early + 330 * S, signalClass: 'fire' },
    ]);
    await expect(sut.pendingDeadlines(early + 210 * S, 1)).resolves.toEqual([
      { incidentId: 'i-6a', milestone: 'onScene', kind: 'deadline', dueAt: early + 180 * S, signalClass: null },
    ]);
    await expect(sut.pendingDeadlines(early + 179 * S, 100)).resolves.toEqual([]);
  });

  it('records an escalation once and gives it back with the backup substation; a second is refused and nothing saved', async () => {
    await sut.openOrJoin(incident({ id: 'i-7', enterpriseId: 'E0008', substationId: 'S4' }));
    const now = T0 + 61 * S;
    const record = {
      milestone: 'acknowledged' as const,
      at: now,
      dueAt: T0 + 60 * S,
      backupSubstationId: 'S5',
      lateByMs: 1000,
    };

    const first = await sut.updateTimeline('i-7', (current) => {
      expect(dueEscalations(current, now)).toEqual(['acknowledged']);
      return { state: escalate(current, 'acknowledged', now, 'S5'), escalation: record };
    });
    const second = await sut.updateTimeline('i-7', (current) => ({
      state: { ...current, level: 99, backupSubstationIds: ['S6'] },
      escalation: { ...record, at: now + 5 * S, backupSubstationId: 'S6' },
    }));

    expect([first.outcome, second.outcome]).toEqual(['changed', 'unchanged']);
    const found = (await sut.find('i-7'))!;
    expect(first).toEqual({ outcome: 'changed', incident: found });
    expect(found.timeline).toMatchObject({ level: 2, backupSubstationIds: ['S5'], status: 'dispatched' });
    expect(found.escalations).toEqual([record]);
    expect(found.timeline.milestones[0]).toMatchObject({ name: 'acknowledged', at: null, escalatedAt: now });
    expect(dueEscalations(found.timeline, now + 5 * S)).toEqual([]);
  });

  it('counts open incidents per substation, filters lists by status, substation and grade, and pages by keyset', async () => {
    await sut.openOrJoin(incident({ id: 'i-8a', enterpriseId: 'E0009', substationId: 'S7' }));
    await sut.openOrJoin(incident({ id: 'i-8b', enterpriseId: 'E0010', substationId: 'S7', at: T0 + 10 * S }));
    await sut.openOrJoin(incident({ id: 'i-8c', enterpriseId: 'E0011', substationId: 'S8', at: T0 + 20 * S }));
    await sut.openOrJoin(incident({ id: 'i-8d', enterpriseId: 'E0012', substationId: 'S6', at: T0 + 30 * S, grade: 'red' }));
    await change('i-8b', (b) => escalate(b, 'acknowledged', T0 + 75 * S, 'S6'));
    await change('i-8c', (c) => resolved(c, T0 + 30 * S, 'S8'));

    const loads = await sut.substationLoads();
    expect(loads.map((l) => l.id)).toEqual(['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7', 'S8']);
    expect(loads.filter((l) => ['S6', 'S7', 'S8'].includes(l.id))).toEqual([
      { id: 'S6', activeIncidents: 1 },
      { id: 'S7', activeIncidents: 2 },
      { id: 'S8', activeIncidents: 0 },
    ]);

    const open = await sut.list({ status: 'open' });
    expect(open.every((i) => i.timeline.status !== 'resolved')).toBe(true);
    expect(open.map((i) => i.id)).toEqual(expect.arrayContaining(['i-8a', 'i-8b', 'i-8d']));
    expect(open.map((i) => i.id)).not.toContain('i-8c');
    expect((await sut.list({ status: 'resolved', substationId: 'S8' })).map((i) => i.id)).toEqual(['i-8c']);
    expect((await sut.list({ substationId: 'S7' })).map((i) => i.id)).toEqual(['i-8b', 'i-8a']);
    expect((await sut.list({ substationId: 'S6' })).map((i) => i.id)).toEqual(['i-8d', 'i-8b']);
    expect((await sut.list({ status: 'open', substationId: 'S6', limit: 1, offset: 1 })).map((i) => i.id)).toEqual(['i-8b']);
    expect((await sut.list({ enterpriseId: 'E0009' })).map((i) => i.id)).toEqual(['i-8a']);

    const s7 = await sut.list({ substationId: 'S7' });
    const after = (i: (typeof s7)[number]) => ({ dispatchedAt: new Date(i.timeline.dispatchedAt), id: i.id });
    expect((await sut.list({ substationId: 'S7', after: after(s7[0]) })).map((i) => i.id)).toEqual(['i-8a']);
    expect(await sut.list({ substationId: 'S7', after: after(s7[1]) })).toEqual([]);
    expect((await sut.list({ substationId: 'S6', grade: 'red' })).map((i) => i.id)).toEqual(['i-8d']);
  });
  it('lists the re-notifications an escalated, still unmet milestone is due, as the frozen policy says, until the limit', async () => {
    const at = T0 - 5 * 86_400 * S;
    const policy = { ...DEFAULT_TIMELINE_POLICY, renotifyS: 30, maxRenotifications: 2 };
    await sut.openOrJoin(incident({ id: 'i-9', enterpriseId: 'E0011', at, timeline: openTimeline(at, policy, 'S2') }));
    const escalatedAt = at + 61 * S;
    await change('i-9', (state) => escalate(state, 'acknowledged', escalatedAt, 'S3'));
    const renotifications = async (until: number) =>
      (await sut.pendingDeadlines(until, 100)).filter((d) => d.incidentId === 'i-9' && d.kind === 'renotify');
    expect(await renotifications(escalatedAt + 29 * S)).toEqual([]);
    expect(await renotifications(escalatedAt + 30 * S)).toEqual([
      { incidentId: 'i-9', milestone: 'acknowledged', kind: 'renotify', dueAt: escalatedAt + 30 * S, signalClass: null },
    ]);

    await change('i-9', (state) => ({
      ...state,
      milestones: state.milestones.map((m) => (m.name === 'acknowledged' ? { ...m, renotifications: 1 } : m)),
    }));
    expect((await sut.find('i-9'))!.timeline.milestones[0].renotifications).toBe(1);
    expect(await renotifications(escalatedAt + 59 * S)).toEqual([]);
    expect(await renotifications(escalatedAt + 60 * S)).toEqual([
      { incidentId: 'i-9', milestone: 'acknowledged', kind: 'renotify', dueAt: escalatedAt + 60 * S, signalClass: null },
    ]);

    await change('i-9', (state) => ({
      ...state,
      milestones: state.milestones.map((m) => (m.name === 'acknowledged' ? { ...m, renotifications: 2 } : m)),
    }));
    expect(await renotifications(escalatedAt + 3600 * S)).toEqual([]);
  });

  it("keeps each substation's load as a counter that matches a count of its open incidents after opens, escalations, reassignments and resolutions", async () => {
    const counted = async () =>
      db.sql.query<{ id: string; active: number }>(
        `SELECT s.id, count(i.id)::int AS active FROM substations s
         LEFT JOIN incidents i ON i.substation_id = s.id AND i.status <> 'resolved' GROUP BY s.id ORDER BY s.id`,
      );
    const kept = async () => (await sut.substationLoads()).map((l) => ({ id: l.id, active: l.activeIncidents }));
    const ids = ['i-9a', 'i-9b', 'i-9c', 'i-9d'];
    await Promise.all(
      ids.map((id, n) => sut.openOrJoin(incident({ id, enterpriseId: `E00${n + 13}`, substationId: n % 2 ? 'S2' : 'S3', at: T0 + n * S }))),
    );
    expect(await kept()).toEqual(await counted());
    await change('i-9a', (a) => escalate(a, 'acknowledged', T0 + 61 * S, 'S4'));
    await change('i-9b', (b) => ({ ...b, substationId: 'S5' }));
    await change('i-9c', (c) => resolved(c, T0 + 10 * S, 'S3'));
    expect(await kept()).toEqual(await counted());
    // Written by other means than the repository (a seed, a bench, an operator's SQL), and from another connection.
    await other.query(`UPDATE incidents SET substation_id = 'S1' WHERE id = 'i-9d'`);
    await other.query(`DELETE FROM incident_milestones WHERE incident_id = 'i-9b'`);
    await other.query(`DELETE FROM incident_alarms WHERE incident_id = 'i-9b'`);
    await other.query(`DELETE FROM incidents WHERE id = 'i-9b'`);
    expect(await kept()).toEqual(await counted());
    // Applied to a database that already has open incidents, the migration counts them.
    await db.sql.query(`UPDATE substation_loads SET active = active + 7`);
    await db.sql.transaction((tx) => substationLoadsMigration.up(tx, { timescale: db.sql.timescale }));
    expect(await kept()).toEqual(await counted());
    expect((await kept()).some((l) => l.active > 0)).toBe(true);
  });
});
