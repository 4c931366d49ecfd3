import { Logger } from '@nestjs/common';
import { AlarmEventV1, IncidentEventV2 } from '@app/contracts';
import { loadConfig } from '@app/config';
import { DEFAULT_TIMELINE_POLICY, generateZone, gradeEnterprise } from '@app/domain';
import { IncidentEvents, SubstationSnapshots } from '@app/incidents';
import { IncidentRecord, IncidentsRepository, migrate, openPgClient, SqlClient, SqlExecutor, ZoneRepository } from '@app/storage';
import { createPgDatabase } from '@app/testing/storage-backends';
import { ManualClock } from '@app/testing';
import { Bus, BusMessage, ZoneChanges } from '@app/transport';
import { DeadlineScheduler } from './deadline-scheduler';
import { DispatchMetrics } from './dispatch.metrics';
import { DispatchService } from './dispatch.service';

/**
 * Exactly one incident per fire when dispatch runs as several processes: the
 * same alarm delivered to two of them at once (Kafka redelivery after a
 * rebalance, or two consumer groups by mistake), each on its own connection
 * pool to one PostgreSQL. The application checks for an open incident first,
 * but two transactions can both find none; what makes the answer one is the
 * partial unique index incidents_active_enterprise_uq, shown here by forcing
 * that interleaving with and without the index.
 * (libs/storage/src/incidents.repository.integration-spec.ts races the
 * repository itself, eight openers on two pools.)
 */

const T0 = Date.UTC(2026, 10, 25, 8, 0, 0);
const OPEN_CHECK = /FROM incidents WHERE enterprise_id = \$1 AND status <> 'resolved' FOR UPDATE/;

class RecordingBus implements Bus {
  readonly published: IncidentEventV2[] = [];
  async publish<T>(_topic: string, messages: BusMessage<T>[]): Promise<void> {
    this.published.push(...messages.map((m) => m.value as unknown as IncidentEventV2));
  }
  async subscribe(): Promise<void> {}
  lag() {
    return [];
  }
  async ping(): Promise<void> {}
  async close(): Promise<void> {}
}

/**
 * Holds each racer's first open-incident check until `parties` of them have
 * made theirs: all have looked, and found nothing, before any inserts.
 */
class Barrier {
  readonly found: number[] = [];
  private arrived = 0;
  private release!: () => void;
  private readonly released = new Promise<void>((resolve) => (this.release = resolve));

  constructor(private readonly parties: number) {}

  async arrive(rowsFound: number): Promise<void> {
    if (this.arrived >= this.parties) return;
    this.found.push(rowsFound);
    if (++this.arrived === this.parties) this.release();
    await Promise.race([
      this.released,
      new Promise((_, reject) => setTimeout(() => reject(new Error('racers never met at the barrier')), 5000).unref()),
    ]);
  }
}

/** The pool, with every transaction pausing at the barrier right after its open-incident check. */
function pausingAfterCheck(sql: SqlClient, barrier: Barrier): SqlClient {
  return {
    ...sql,
    transaction: <T>(fn: (tx: SqlExecutor) => Promise<T>) =>
      sql.transaction((tx) =>
        fn({
          async query<R>(text: string, params?: unknown[]): Promise<R[]> {
            const rows = await tx.query<R>(text, params);
            if (OPEN_CHECK.test(text)) await barrier.arrive(rows.length);
            return rows;
          },
        }),
      ),
  };
}

interface DispatchProcess {
  sut: DispatchService;
  bus: RecordingBus;
  tracked: IncidentRecord[];
}

/** One dispatch process: its own pool, repositories, bus and deadline scheduler. */
async function dispatchProcess(sql: SqlClient): Promise<DispatchProcess> {
  const config = loadConfig({ LOG_LEVEL: 'silent' });
  const clock = new ManualClock(T0);
  const bus = new RecordingBus();
  const incidents = new IncidentsRepository(sql);
  const zone = new ZoneRepository(sql);
  const tracked: IncidentRecord[] = [];
  const scheduler = { track: (incident: IncidentRecord) => void tracked.push(incident) } as unknown as DeadlineScheduler;
  const sut = new DispatchService(
    bus,
    clock,
    config.dispatch,
    incidents,
    zone,
    new SubstationSnapshots(zone, incidents, clock, new ZoneChanges(bus)),
    scheduler,
    new DispatchMetrics(),
    new IncidentEvents(bus),
    new ZoneChanges(bus),
  );
  await sut.onApplicationBootstrap();
  return { sut, bus, tracked };
}

function alarm(enterpriseId: string, alarmId: string, grade: 'orange' | 'red' = 'red'): BusMessage<AlarmEventV1> {
  const value: AlarmEventV1 = {
    v: 1,
    type: 'alarm.raised',
    alarmId,
    deviceId: `${enterpriseId}-D01`,
    enterpriseId,
    ruleId: 'smoke.alarm',
    metric: 'smoke',
    grade,
    value: true,
    message: 'smoke detector in alarm',
    raisedAt: T0,
    at: T0,
    correlationId: `c-${alarmId}`,
  };
  return { key: enterpriseId, value, headers: { correlationId: value.correlationId } };
}

async function openIncidents(sql: SqlClient, enterpriseId: string): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(`SELECT id FROM incidents WHERE enterprise_id = $1 AND status <> 'resolved'`, [
    enterpriseId,
  ]);
  return rows.map((r) => r.id);
}

describe('exactly one incident per fire with two dispatch processes (PostgreSQL, a pool each)', () => {
  const databases: Array<{ drop(): Promise<void> }> = [];
  const pools: SqlClient[] = [];

  /** A fresh, migrated, seeded database and two pools on it. */
  async function database(): Promise<[SqlClient, SqlClient]> {
    const db = await createPgDatabase();
    databases.push(db);
    const a = await openPgClient(db.url);
    const b = await openPgClient(db.url);
    pools.push(a, b);
    await migrate(a);
    await new ZoneRepository(a).seedIfEmpty(generateZone({ enterprises: 30 }), gradeEnterprise, T0);
    return [a, b];
  }

  beforeAll(() => Logger.overrideLogger(false));

  afterAll(async () => {
    Logger.overrideLogger(true);
    await Promise.all(pools.map((p) => p.close()));
    await Promise.all(databases.map((d) => d.drop()));
  });

  it('opens one incident when the same alarm reaches both at once, 20 fires in a row', async () => {
    const [a, b] = await database();
    const first = await dispatchProcess(a);
    const second = await dispatchProcess(b);

    for (let n = 1; n <= 20; n++) {
      const enterpriseId = `E${String(n).padStart(4, '0')}`;
      const message = alarm(enterpriseId, `fire-${n}`);
      await Promise.all([first.sut.handleAlarms([message]), second.sut.handleAlarms([message])]);
      expect(await openIncidents(a, enterpriseId)).toHaveLength(1);
    }

    const opened = [...first.bus.published, ...second.bus.published].filter((e) => e.type === 'incident.opened');
    expect(opened.map((e) => e.enterpriseId).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `E${String(i + 1).padStart(4, '0')}`));
    // Only the process that opened an incident arms its deadlines; the other found it and did nothing.
    expect(first.tracked.length + second.tracked.length).toBe(20);
    expect([...first.bus.published, ...second.bus.published]).toHaveLength(20);
    const [{ n }] = await a.query<{ n: number }>(`SELECT count(*)::int AS n FROM incidents`);
    expect(n).toBe(20);
  });

  it('still opens one when both processes have checked and found no open incident: the partial unique index decides', async () => {
    const [a, b] = await database();
    for (const [enterpriseId, alarms] of [
      ['E0001', ['same-fire', 'same-fire']],
      ['E0002', ['smoke-alarm', 'heat-alarm']],
    ] as const) {
      const barrier = new Barrier(2);
      const first = await dispatchProcess(pausingAfterCheck(a, barrier));
      const second = await dispatchProcess(pausingAfterCheck(b, barrier));

      await Promise.all([
        first.sut.handleAlarms([alarm(enterpriseId, alarms[0])]),
        second.sut.handleAlarms([alarm(enterpriseId, alarms[1])]),
      ]);

      expect(barrier.found).toEqual([0, 0]);
      const open = await openIncidents(a, enterpriseId);
      expect(open).toHaveLength(1);
      const [{ alarm_ids }] = await a.query<{ alarm_ids: string[] }>(
        `SELECT array_agg(alarm_id ORDER BY alarm_id) AS alarm_ids FROM incident_alarms WHERE incident_id = $1`,
        [open[0]],
      );
      expect(alarm_ids).toEqual([...new Set(alarms)].sort());
    }

    // The index itself: a second active incident for an enterprise cannot be written, by this code or any other.
    const insert = (id: string) =>
      b.query(
        `INSERT INTO incidents (id, enterprise_id, substation_id, grade, status, dispatched_at, assignment_reason, policy, correlation_id)
         VALUES ($1, 'E0002', 'S1', 'red', 'dispatched', $2, 'direct', $3::jsonb, 'c')`,
        [id, new Date(T0), JSON.stringify(DEFAULT_TIMELINE_POLICY)],
      );
    await expect(insert('direct-duplicate')).rejects.toMatchObject({ code: '23505', constraint: 'incidents_active_enterprise_uq' });
    const [index] = await a.query<{ indexdef: string }>(
      `SELECT indexdef FROM pg_indexes WHERE indexname = 'incidents_active_enterprise_uq'`,
    );
    expect(index.indexdef).toMatch(
      /CREATE UNIQUE INDEX .* ON public\.incidents USING btree \(enterprise_id\) WHERE \(status <> 'resolved'::text\)/,
    );
  });

  it('opens two for one fire in that same interleaving once the index is gone', async () => {
    const [a, b] = await database();
    await a.query(`DROP INDEX incidents_active_enterprise_uq`);
    const barrier = new Barrier(2);
    const first = await dispatchProcess(pausingAfterCheck(a, barrier));
    const second = await dispatchProcess(pausingAfterCheck(b, barrier));

    await Promise.all([first.sut.handleAlarms([alarm('E0003', 'smoke-alarm')]), second.sut.handleAlarms([alarm('E0003', 'heat-alarm')])]);

    expect(barrier.found).toEqual([0, 0]);
    expect(await openIncidents(a, 'E0003')).toHaveLength(2);
  });
});
