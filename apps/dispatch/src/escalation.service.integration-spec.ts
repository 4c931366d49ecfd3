import { IncidentEventV1 } from '@app/contracts';
import { DEFAULT_TIMELINE_POLICY, generateZone, openTimeline } from '@app/domain';
import { IncidentsRepository, migrate, openPgClient, SqlClient, ZoneRepository } from '@app/storage';
import { createPgDatabase } from '@app/testing/storage-backends';
import { ManualClock } from '@app/testing';
import { Bus, BusMessage } from '@app/transport';
import { DispatchMetrics } from './dispatch.metrics';
import { EscalationService } from './escalation.service';
import { SubstationSnapshots } from './substation-snapshots';

const T0 = Date.UTC(2026, 2, 2, 8, 0, 0);

class RecordingBus implements Bus {
  readonly published: BusMessage<IncidentEventV1>[] = [];
  async publish<T>(_topic: string, messages: BusMessage<T>[]): Promise<void> {
    this.published.push(...(messages as unknown as BusMessage<IncidentEventV1>[]));
  }
  async subscribe(): Promise<void> {}
  async ping(): Promise<void> {}
  lag() {
    return [];
  }
  async close(): Promise<void> {}
}

/** One dispatch process: its own connection pool, repositories, clock and bus. */
function dispatcher(sql: SqlClient, clock: ManualClock, bus: RecordingBus): EscalationService {
  const incidents = new IncidentsRepository(sql);
  const zone = new ZoneRepository(sql);
  return new EscalationService(bus, clock, incidents, zone, new SubstationSnapshots(zone, incidents, clock), new DispatchMetrics());
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
    await new ZoneRepository(a).seedIfEmpty(generateZone({ enterprises: 30 }));
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

    const outcomes = await Promise.all(ids.flatMap((id) => [first.escalate(id, 'acknowledged'), second.escalate(id, 'acknowledged')]));
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
    expect(await sut.escalate('early', 'acknowledged')).toBe(false);
    expect(await sut.escalate('missing', 'acknowledged')).toBe(false);
    expect(bus.published).toEqual([]);
  });
});
