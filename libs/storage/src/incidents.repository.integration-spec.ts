import {
  applyAction,
  DEFAULT_TIMELINE_POLICY,
  dueEscalations,
  escalate,
  generateZone,
  openTimeline,
  type TimelineState,
} from '@app/domain';
import { IncidentsRepository, type NewIncident } from './incidents.repository';
import type { SqlClient } from './sql-client';
import { secondClient, STORAGE_BACKENDS, type TestDatabase } from '@app/testing/storage-backends';
import { ZoneRepository } from './zone.repository';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const S = 1000;
const iso = (ms: number) => new Date(ms).toISOString();

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

  beforeAll(async () => {
    db = await backend.open();
    other = await secondClient(db);
    sut = new IncidentsRepository(db.sql);
    await new ZoneRepository(db.sql).seedIfEmpty(generateZone({ enterprises: 12 }));
  });

  afterAll(async () => {
    if (other !== db.sql) await other.close();
    await db.dispose();
  });

  it('opens an incident with the 1-3-5 milestones and shows it with the SPEC field names', async () => {
    const result = await sut.openOrJoin(incident({ id: 'i-1', enterpriseId: 'E0001', alarmId: 'a-1' }));

    expect(result.created).toBe(true);
    expect(result.regraded).toBe(false);
    expect(result.incident).toEqual({
      id: 'i-1',
      enterpriseId: 'E0001',
      substationId: 'S1',
      grade: 'orange',
      level: 1,
      status: 'dispatched',
      dispatchedAt: iso(T0),
      resolvedAt: null,
      assignmentReason: 'nearest available',
      backupSubstationIds: [],
      alarmIds: ['a-1'],
      milestones: [
        { name: 'acknowledged', dueAt: iso(T0 + 60 * S), at: null, met: null, by: null, renotifications: 0 },
        { name: 'onScene', dueAt: iso(T0 + 180 * S), at: null, met: null, by: null, renotifications: 0 },
        { name: 'underControl', dueAt: iso(T0 + 300 * S), at: null, met: null, by: null, renotifications: 0 },
      ],
      escalations: [],
    });
    await expect(sut.view('i-1')).resolves.toEqual(result.incident);
    await expect(sut.view('missing')).resolves.toBeNull();
  });

  it('finds the same incident when the opening message is processed again, even once resolved', async () => {
    const again = await sut.openOrJoin(
      incident({ id: 'i-1-redelivered', enterpriseId: 'E0001', alarmId: 'a-1', openedByKey: 'key-i-1', at: T0 + 5 * S }),
    );

    expect(again.created).toBe(false);
    expect(again.regraded).toBe(false);
    expect(again.incident).toMatchObject({ id: 'i-1', alarmIds: ['a-1'], dispatchedAt: iso(T0) });

    await sut.transaction(async (tx) => sut.save(tx, 'i-1', resolved((await sut.lock(tx, 'i-1'))!.state, T0 + 30 * S, 'S1')));
    const late = await sut.openOrJoin(
      incident({ id: 'i-1-late', enterpriseId: 'E0001', alarmId: null, openedByKey: 'key-i-1', at: T0 + 900 * S }),
    );

    expect(late).toMatchObject({ created: false, regraded: false, incident: { id: 'i-1', status: 'resolved' } });
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
      expect((await sut.view(open[0].id))?.alarmIds).toHaveLength(8);
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

  it('locks, updates and saves the timeline within a transaction', async () => {
    await sut.openOrJoin(incident({ id: 'i-5', enterpriseId: 'E0004', substationId: 'S2' }));

    await sut.transaction(async (tx) => {
      const locked = await sut.lock(tx, 'i-5');
      expect(locked).toMatchObject({ id: 'i-5', enterpriseId: 'E0004', grade: 'orange', correlationId: 'c-i-5' });
      expect(locked!.state).toMatchObject({
        dispatchedAt: T0,
        policy: DEFAULT_TIMELINE_POLICY,
        status: 'dispatched',
        substationId: 'S2',
        level: 1,
        resolvedAt: null,
      });
      const { state } = applyAction(locked!.state, { type: 'acknowledge', at: T0 + 45 * S, by: 'S2 duty officer', substationId: 'S2' });
      await sut.save(tx, 'i-5', state);
    });

    const acknowledged = await sut.view('i-5');
    expect(acknowledged).toMatchObject({ status: 'acknowledged', resolvedAt: null });
    expect(acknowledged!.milestones[0]).toEqual({
      name: 'acknowledged',
      dueAt: iso(T0 + 60 * S),
      at: iso(T0 + 45 * S),
      met: true,
      by: 'S2 duty officer',
      renotifications: 0,
    });

    await sut.transaction(async (tx) => {
      const locked = await sut.lock(tx, 'i-5');
      const arrived = applyAction(locked!.state, { type: 'arrive', at: T0 + 200 * S, by: 'S2 crew' }).state;
      await sut.save(tx, 'i-5', applyAction(arrived, { type: 'resolve', at: T0 + 290 * S, by: 'S2 crew' }).state);
    });

    const resolved = await sut.view('i-5');
    expect(resolved).toMatchObject({ status: 'resolved', resolvedAt: iso(T0 + 290 * S) });
    expect(resolved!.milestones.map((m) => [m.name, m.at, m.met, m.by])).toEqual([
      ['acknowledged', iso(T0 + 45 * S), true, 'S2 duty officer'],
      ['onScene', iso(T0 + 200 * S), false, 'S2 crew'],
      ['underControl', iso(T0 + 290 * S), true, 'S2 crew'],
    ]);
    await sut.transaction(async (tx) => expect(await sut.lock(tx, 'missing')).toBeNull());

    const next = await sut.openOrJoin(incident({ id: 'i-5-next', enterpriseId: 'E0004', at: T0 + 3600 * S }));
    expect(next).toMatchObject({ created: true, incident: { id: 'i-5-next', status: 'dispatched' } });
  });

  it('lists unmet, unescalated deadlines of open incidents, earliest first', async () => {
    // A day before every other case's incidents, so only these fall due by `until`.
    const early = T0 - 24 * 3600 * S;
    await sut.openOrJoin(incident({ id: 'i-6a', enterpriseId: 'E0005', at: early }));
    await sut.openOrJoin(incident({ id: 'i-6b', enterpriseId: 'E0006', at: early + 30 * S }));
    await sut.openOrJoin(incident({ id: 'i-6c', enterpriseId: 'E0007', at: early + 10 * S }));
    await sut.transaction(async (tx) => {
      const a = (await sut.lock(tx, 'i-6a'))!.state;
      await sut.save(tx, 'i-6a', applyAction(a, { type: 'acknowledge', at: early + 50 * S, by: 'S1' }).state);
      const b = (await sut.lock(tx, 'i-6b'))!.state;
      await sut.save(tx, 'i-6b', escalate(b, 'acknowledged', early + 95 * S, 'S3'));
      // Resolved with underControl never recorded, which the timeline cannot produce:
      // only the query's own status guard keeps it out.
      const c = (await sut.lock(tx, 'i-6c'))!.state;
      await sut.save(tx, 'i-6c', { ...c, status: 'resolved', resolvedAt: early + 40 * S });
    });

    await expect(sut.pendingDeadlines(early + 400 * S, 100)).resolves.toEqual([
      { incidentId: 'i-6a', milestone: 'onScene', kind: 'deadline', dueAt: early + 180 * S },
      { incidentId: 'i-6b', milestone: 'onScene', kind: 'deadline', dueAt: early + 210 * S },
      { incidentId: 'i-6a', milestone: 'underControl', kind: 'deadline', dueAt: early + 300 * S },
      { incidentId: 'i-6b', milestone: 'underControl', kind: 'deadline', dueAt: early + 330 * S },
    ]);
    await expect(sut.pendingDeadlines(early + 210 * S, 1)).resolves.toEqual([
      { incidentId: 'i-6a', milestone: 'onScene', kind: 'deadline', dueAt: early + 180 * S },
    ]);
    await expect(sut.pendingDeadlines(early + 179 * S, 100)).resolves.toEqual([]);
  });

  it('records an escalation once and shows it with the backup substation', async () => {
    await sut.openOrJoin(incident({ id: 'i-7', enterpriseId: 'E0008', substationId: 'S4' }));
    const now = T0 + 61 * S;
    const record = {
      incidentId: 'i-7',
      milestone: 'acknowledged' as const,
      at: now,
      dueAt: T0 + 60 * S,
      backupSubstationId: 'S5',
      lateByMs: 1000,
    };

    const first = await sut.transaction(async (tx) => {
      const locked = (await sut.lock(tx, 'i-7'))!;
      expect(dueEscalations(locked.state, now)).toEqual(['acknowledged']);
      const recorded = await sut.recordEscalation(tx, record);
      await sut.save(tx, 'i-7', escalate(locked.state, 'acknowledged', now, 'S5'));
      return recorded;
    });
    const second = await sut.transaction((tx) => sut.recordEscalation(tx, { ...record, at: now + 5 * S, backupSubstationId: 'S6' }));

    expect([first, second]).toEqual([true, false]);
    const view = await sut.view('i-7');
    expect(view).toMatchObject({ level: 2, backupSubstationIds: ['S5'], status: 'dispatched' });
    expect(view!.escalations).toEqual([{ milestone: 'acknowledged', at: iso(now), dueAt: iso(T0 + 60 * S), backupSubstationId: 'S5' }]);
    await sut.transaction(async (tx) => {
      const locked = (await sut.lock(tx, 'i-7'))!;
      expect(locked.state.milestones[0]).toMatchObject({ name: 'acknowledged', at: null, escalatedAt: now });
      expect(dueEscalations(locked.state, now + 5 * S)).toEqual([]);
    });
  });

  it('counts open incidents per substation, filters lists by status, substation and grade, and pages by keyset', async () => {
    await sut.openOrJoin(incident({ id: 'i-8a', enterpriseId: 'E0009', substationId: 'S7' }));
    await sut.openOrJoin(incident({ id: 'i-8b', enterpriseId: 'E0010', substationId: 'S7', at: T0 + 10 * S }));
    await sut.openOrJoin(incident({ id: 'i-8c', enterpriseId: 'E0011', substationId: 'S8', at: T0 + 20 * S }));
    await sut.openOrJoin(incident({ id: 'i-8d', enterpriseId: 'E0012', substationId: 'S6', at: T0 + 30 * S, grade: 'red' }));
    await sut.transaction(async (tx) => {
      const b = (await sut.lock(tx, 'i-8b'))!.state;
      await sut.save(tx, 'i-8b', escalate(b, 'acknowledged', T0 + 75 * S, 'S6'));
      await sut.save(tx, 'i-8c', resolved((await sut.lock(tx, 'i-8c'))!.state, T0 + 30 * S, 'S8'));
    });

    const loads = await sut.substationLoads();
    expect(loads.map((l) => l.id)).toEqual(['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7', 'S8']);
    expect(loads.filter((l) => ['S6', 'S7', 'S8'].includes(l.id))).toEqual([
      { id: 'S6', activeIncidents: 1 },
      { id: 'S7', activeIncidents: 2 },
      { id: 'S8', activeIncidents: 0 },
    ]);

    const open = await sut.list({ status: 'open' });
    expect(open.every((i) => i.status !== 'resolved')).toBe(true);
    expect(open.map((i) => i.id)).toEqual(expect.arrayContaining(['i-8a', 'i-8b', 'i-8d']));
    expect(open.map((i) => i.id)).not.toContain('i-8c');
    expect((await sut.list({ status: 'resolved', substationId: 'S8' })).map((i) => i.id)).toEqual(['i-8c']);
    expect((await sut.list({ substationId: 'S7' })).map((i) => i.id)).toEqual(['i-8b', 'i-8a']);
    expect((await sut.list({ substationId: 'S6' })).map((i) => i.id)).toEqual(['i-8d', 'i-8b']);
    expect((await sut.list({ status: 'open', substationId: 'S6', limit: 1, offset: 1 })).map((i) => i.id)).toEqual(['i-8b']);
    expect((await sut.list({ enterpriseId: 'E0009' })).map((i) => i.id)).toEqual(['i-8a']);

    const s7 = await sut.list({ substationId: 'S7' });
    const after = (i: (typeof s7)[number]) => ({ dispatchedAt: new Date(i.dispatchedAt), id: i.id });
    expect((await sut.list({ substationId: 'S7', after: after(s7[0]) })).map((i) => i.id)).toEqual(['i-8a']);
    expect(await sut.list({ substationId: 'S7', after: after(s7[1]) })).toEqual([]);
    expect((await sut.list({ substationId: 'S6', grade: 'red' })).map((i) => i.id)).toEqual(['i-8d']);
  });
  it('lists the re-notifications an escalated, still unmet milestone is due, as the frozen policy says, until the limit', async () => {
    const at = T0 - 5 * 86_400 * S;
    const policy = { ...DEFAULT_TIMELINE_POLICY, renotifyS: 30, maxRenotifications: 2 };
    await sut.openOrJoin(incident({ id: 'i-9', enterpriseId: 'E0011', at, timeline: openTimeline(at, policy, 'S2') }));
    const escalatedAt = at + 61 * S;
    await sut.transaction(async (tx) => {
      const state = (await sut.lock(tx, 'i-9'))!.state;
      await sut.save(tx, 'i-9', escalate(state, 'acknowledged', escalatedAt, 'S3'));
    });
    const renotifications = async (until: number) =>
      (await sut.pendingDeadlines(until, 100)).filter((d) => d.incidentId === 'i-9' && d.kind === 'renotify');
    expect(await renotifications(escalatedAt + 29 * S)).toEqual([]);
    expect(await renotifications(escalatedAt + 30 * S)).toEqual([
      { incidentId: 'i-9', milestone: 'acknowledged', kind: 'renotify', dueAt: escalatedAt + 30 * S },
    ]);

    await sut.transaction(async (tx) => {
      const state = (await sut.lock(tx, 'i-9'))!.state;
      const milestones = state.milestones.map((m) => (m.name === 'acknowledged' ? { ...m, renotifications: 1 } : m));
      await sut.save(tx, 'i-9', { ...state, milestones });
    });
    expect((await sut.view('i-9'))!.milestones[0].renotifications).toBe(1);
    expect(await renotifications(escalatedAt + 59 * S)).toEqual([]);
    expect(await renotifications(escalatedAt + 60 * S)).toEqual([
      { incidentId: 'i-9', milestone: 'acknowledged', kind: 'renotify', dueAt: escalatedAt + 60 * S },
    ]);

    await sut.transaction(async (tx) => {
      const state = (await sut.lock(tx, 'i-9'))!.state;
      const milestones = state.milestones.map((m) => (m.name === 'acknowledged' ? { ...m, renotifications: 2 } : m));
      await sut.save(tx, 'i-9', { ...state, milestones });
    });
    expect(await renotifications(escalatedAt + 3600 * S)).toEqual([]);
  });
});
