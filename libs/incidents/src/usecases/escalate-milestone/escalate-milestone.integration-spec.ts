import { IncidentEventV2 } from '@app/contracts';
import { DEFAULT_TIMELINE_POLICY, generateZone, openTimeline, gradeEnterprise } from '@app/domain';
import { IncidentsRepository, migrate, openPgClient, SqlClient, ZoneRepository } from '@app/storage';
import { createPgDatabase } from '@app/testing/storage-backends';
import { ManualClock } from '@app/testing';
import { Bus, BusMessage, ZoneChanges } from '@app/transport';
import { IncidentChangeMetrics } from '../../incident-change-metrics';
import { IncidentEvents } from '../../incident-events';
import { IncidentTimelineUpdate } from '../../incident-timeline-update';
import { SubstationSnapshots } from '../../substation-snapshots';
import { EscalateMilestone } from './escalate-milestone';

const T0 = Date.UTC(2026, 2, 2, 8, 0, 0);

class RecordingBus implements Bus {
  readonly published: BusMessage<IncidentEventV2>[] = [];
  async publish<T>(_topic: string, messages: BusMessage<T>[]): Promise<void> {
    this.published.push(...(messages as unknown as BusMessage<IncidentEventV2>[]));
  }
  async subscribe(): Promise<void> {}
  async ping(): Promise<void> {}
  lag() {
    return [];
  }
  async close(): Promise<void> {}
}

/** The statements a client is sent (each transaction adds its BEGIN and COMMIT), to hold one escalation to its budget. */
function counting(sql: SqlClient): { client: SqlClient; statements: string[] } {
  const statements: string[] = [];
  const client: SqlClient = {
    ...sql,
    kind: sql.kind,
    timescale: sql.timescale,
    query: (text, params) => (statements.push(text), sql.query(text, params)),
    transaction: (fn) => {
      statements.push('BEGIN');
      return sql.transaction(async (tx) => {
        const result = await fn({ query: (text, params) => (statements.push(text), tx.query(text, params)) });
        statements.push('COMMIT');
        return result;
      });
    },
  };
  return { client, statements };
}

/** One dispatch process: its own connection pool, repositories, clock and bus. */
function dispatcher(sql: SqlClient, clock: ManualClock, bus: RecordingBus): EscalateMilestone {
  const incidents = new IncidentsRepository(sql);
  const zone = new ZoneRepository(sql);
  const timeline = new IncidentTimelineUpdate(incidents, new IncidentEvents(bus));
  return new EscalateMilestone(
    clock,
    incidents,
    new SubstationSnapshots(zone, incidents, clock, new ZoneChanges(bus)),
    timeline,
    new IncidentChangeMetrics(),
  );
}

describe('two dispatch processes racing for the same deadlines (PostgreSQL)', () => {
  let db: { url: string; drop(): Promise<void> };
  let a: SqlClient;
  let b: SqlClient;

  beforeAll(async () => {
    db = await createPgDatabase();
    a = await openPgClient(db.url);
    b = await openPgClient(db.url);
    await migrate(a);
    await new ZoneRepository(a).seedIfEmpty(generateZone({ enterprises: 30 }), gradeEnterprise, T0);
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it('escalates each missed milestone exactly once, whichever process fires first', async () => {
    const incidents = new IncidentsRepository(a);
    const ids: string[] = [];
    for (let n = 1; n <= 20; n++) {
      const enterpriseId = `E${String(n).padStart(4, '0')}`;
      const { incident } = await incidents.openOrJoin({
        id: `race-${n}`,
        enterpriseId,
        grade: 'red',
        assignmentReason: 'home-area',
        openedByKey: `race-${n}`,
        alarmId: null,
        correlationId: `c-${n}`,
        timeline: openTimeline(T0, DEFAULT_TIMELINE_POLICY, 'S1'),
      });
      ids.push(incident.id);
    }
    const clock = new ManualClock(T0 + 61_000);
    const busA = new RecordingBus();
    const busB = new RecordingBus();
    const first = dispatcher(a, clock, busA);
    const second = dispatcher(b, clock, busB);

    const command = (incidentId: string) => ({ incidentId, milestone: 'acknowledged' as const });
    const outcomes = await Promise.all(ids.flatMap((id) => [first.execute(command(id)), second.execute(command(id))]));
    for (let i = 0; i < ids.length; i++) expect([outcomes[2 * i], outcomes[2 * i + 1]].filter(Boolean)).toHaveLength(1);

    const events = [...busA.published, ...busB.published].map((m) => m.value);
    expect(
      events
        .filter((e) => e.type === 'incident.escalation')
        .map((e) => e.incidentId)
        .sort(),
    ).toEqual([...ids].sort());
    const rows = await a.query<{ incident_id: string; n: number }>(
      `SELECT incident_id, count(*)::int AS n FROM incident_escalations GROUP BY incident_id`,
    );
    expect(rows).toHaveLength(ids.length);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    const levels = await a.query<{ level: number }>(`SELECT DISTINCT level FROM incidents WHERE id = ANY($1::text[])`, [ids]);
    expect(levels).toEqual([{ level: 2 }]);
    expect(events.every((e) => e.lateByMs === 1000 && e.backupSubstationId !== 'S1' && e.backupSubstationId !== null)).toBe(true);
  });

  it('escalates in five statements: where the incident is, then one transaction of a locked read and one write', async () => {
    await new IncidentsRepository(a).openOrJoin({
      id: 'budget',
      enterpriseId: 'E0024',
      grade: 'red',
      assignmentReason: 'home-area',
      openedByKey: 'budget',
      alarmId: 'alarm-budget',
      correlationId: 'c-budget',
      timeline: openTimeline(T0, DEFAULT_TIMELINE_POLICY, 'S4'),
    });
    const { client, statements } = counting(a);
    const clock = new ManualClock(T0 + 61_000);
    const sut = dispatcher(client, clock, new RecordingBus());
    // The substations and their loads are read once for a burst of choices; a burst is what is budgeted.
    await sut.execute({ incidentId: 'missing', milestone: 'acknowledged' });
    statements.length = 0;

    const escalated = await sut.execute({ incidentId: 'budget', milestone: 'acknowledged' });

    expect(escalated).not.toBeNull();
    expect(statements.map((s) => s.trim().split(/\s+/)[0].toUpperCase())).toEqual(['SELECT', 'BEGIN', 'SELECT', 'WITH', 'COMMIT']);
    expect(escalated!.incident).toEqual(await new IncidentsRepository(a).find('budget'));

    statements.length = 0;
    expect(await sut.execute({ incidentId: 'budget', milestone: 'acknowledged' })).toBeNull();
    expect(statements.length).toBeLessThanOrEqual(4);
  });

  it('does nothing for a milestone not yet due or already reached', async () => {
    const incidents = new IncidentsRepository(a);
    await incidents.openOrJoin({
      id: 'early',
      enterpriseId: 'E0025',
      grade: 'orange',
      assignmentReason: 'home-area',
      openedByKey: 'early',
      alarmId: null,
      correlationId: 'c',
      timeline: openTimeline(T0, DEFAULT_TIMELINE_POLICY, 'S2'),
    });
    const bus = new RecordingBus();
    const sut = dispatcher(a, new ManualClock(T0 + 59_999), bus);
    expect(await sut.execute({ incidentId: 'early', milestone: 'acknowledged' })).toBeNull();
    expect(await sut.execute({ incidentId: 'missing', milestone: 'acknowledged' })).toBeNull();
    expect(bus.published).toEqual([]);
  });

  it('publishes the escalation with the backup, the lateness, the incident and its correlation id; once only, and never for a resolved incident', async () => {
    const incidents = new IncidentsRepository(a);
    await incidents.openOrJoin({
      id: 'late',
      enterpriseId: 'E0026',
      grade: 'red',
      assignmentReason: 'home-area',
      openedByKey: 'late',
      alarmId: 'alarm-late',
      correlationId: 'c-late',
      timeline: openTimeline(T0, DEFAULT_TIMELINE_POLICY, 'S3'),
    });
    const bus = new RecordingBus();
    const sut = dispatcher(a, new ManualClock(T0 + 65_000), bus);

    const escalated = await sut.execute({ incidentId: 'late', milestone: 'acknowledged' });

    expect(escalated).not.toBeNull();
    const { incident, backupSubstationId, lateByMs } = escalated!;
    expect(lateByMs).toBe(5000);
    expect(backupSubstationId).not.toBeNull();
    expect(backupSubstationId).not.toBe('S3');
    expect(incident).toEqual(await incidents.find('late'));
    expect(incident.timeline).toMatchObject({ level: 2, backupSubstationIds: [backupSubstationId] });
    expect(incident.escalations).toEqual([
      { milestone: 'acknowledged', at: T0 + 65_000, dueAt: T0 + 60_000, backupSubstationId, lateByMs },
    ]);
    expect(bus.published).toHaveLength(1);
    expect(bus.published[0]).toMatchObject({ key: 'late', headers: { correlationId: 'c-late' } });
    expect(bus.published[0].value).toMatchObject({
      v: 2,
      type: 'incident.escalation',
      incidentId: 'late',
      enterpriseId: 'E0026',
      substationId: 'S3',
      milestone: 'acknowledged',
      backupSubstationId,
      lateByMs: 5000,
      at: T0 + 65_000,
      correlationId: 'c-late',
      incident: { id: 'late', level: 2, backupSubstationIds: [backupSubstationId], alarmIds: ['alarm-late'] },
    });
    expect(bus.published[0].value.incident.escalations).toEqual([
      { milestone: 'acknowledged', at: T0 + 65_000, dueAt: T0 + 60_000, backupSubstationId },
    ]);

    expect(await sut.execute({ incidentId: 'late', milestone: 'acknowledged' })).toBeNull();
    await a.query(`UPDATE incidents SET status = 'resolved' WHERE id = 'late'`);
    expect(await dispatcher(a, new ManualClock(T0 + 200_000), bus).execute({ incidentId: 'late', milestone: 'onScene' })).toBeNull();
    expect(bus.published).toHaveLength(1);
  });
});
