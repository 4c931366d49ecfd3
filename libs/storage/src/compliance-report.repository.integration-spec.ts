import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { MilestoneName } from '@app/contracts';
import {
  applyAction,
  DEFAULT_TIMELINE_POLICY,
  dueEscalations,
  escalate,
  generateZone,
  openTimeline,
  type TimelineAction,
  gradeEnterprise,
} from '@app/domain';
import {
  ComplianceReportRepository,
  type ComplianceFigures,
  type ComplianceReport,
  type MilestoneCompliance,
} from './compliance-report.repository';
import { IncidentsRepository } from './incidents.repository';
import { migrate } from './migrate';
import { openPgClient } from './pg-client';
import { openPgliteClient } from './pglite-client';
import type { SqlClient } from './sql-client';
import { createPgDatabase, recordingLogger, tempDataDir } from '@app/testing/storage-backends';
import { ZoneRepository } from './zone.repository';

const S = 1000;
/** A time of day on March `day`, 2026 (UTC). */
const t = (hms: string, day = 2) => {
  const [h, m, s] = hms.split(':').map(Number);
  return Date.UTC(2026, 2, day, h, m, s);
};

const FROM = new Date(t('00:00:00', 2));
const TO = new Date(t('00:00:00', 3));
/** The auditor runs the report half a minute after midnight, over the day just ended. */
const AS_OF = new Date(t('00:00:30', 3));

/**
 * One incident of the scripted day: dispatched at `at`, then acknowledged,
 * on scene and under control the given seconds after dispatch (absent: never,
 * as far as the script goes). The 1-3-5 deadlines are T+60, T+180, T+300 s.
 */
interface ScriptedIncident {
  id: string;
  enterpriseId: string;
  substationId: string;
  at: number;
  acknowledge?: number;
  arrive?: number;
  resolve?: number;
}

/*
 * Enterprises by substation in generateZone({ enterprises: 20 }) (checked below):
 * S1 E0002 E0016 E0018 E0020 · S2 E0004 E0007 E0019 · S5 E0006 E0013 E0014 E0015 · S6 E0009 E0010 E0017.
 */
const DAY: ScriptedIncident[] = [
  // Yesterday, one second before `from`: all late, three escalations (the first fires inside the day). Never counts.
  { id: 'X1', enterpriseId: 'E0016', substationId: 'S1', at: t('23:59:59', 1), acknowledge: 200, arrive: 400, resolve: 900 },
  // S1
  { id: 'A1', enterpriseId: 'E0002', substationId: 'S1', at: t('00:00:00'), acknowledge: 40, arrive: 150, resolve: 280 }, // exactly `from`: counts
  { id: 'A2', enterpriseId: 'E0016', substationId: 'S1', at: t('07:15:00'), acknowledge: 55, arrive: 170, resolve: 290 },
  { id: 'A3', enterpriseId: 'E0018', substationId: 'S1', at: t('09:30:00'), acknowledge: 58, arrive: 200, resolve: 420 }, // onScene, underControl late
  { id: 'A4', enterpriseId: 'E0020', substationId: 'S1', at: t('13:05:00'), acknowledge: 90, arrive: 175, resolve: 295 }, // acknowledged late
  { id: 'A5', enterpriseId: 'E0002', substationId: 'S1', at: t('16:40:00'), acknowledge: 30, arrive: 120 }, // never under control: overdue
  // S2
  { id: 'B1', enterpriseId: 'E0004', substationId: 'S2', at: t('08:00:00'), acknowledge: 20, arrive: 100, resolve: 240 },
  { id: 'B2', enterpriseId: 'E0007', substationId: 'S2', at: t('11:20:00'), acknowledge: 60, arrive: 179, resolve: 300 }, // on the deadlines: met
  { id: 'B3', enterpriseId: 'E0019', substationId: 'S2', at: t('14:00:00') }, // never acknowledged: all three overdue
  // S5
  { id: 'C1', enterpriseId: 'E0006', substationId: 'S5', at: t('06:10:00'), acknowledge: 15, arrive: 95, resolve: 200 },
  { id: 'C2', enterpriseId: 'E0013', substationId: 'S5', at: t('10:45:00'), acknowledge: 25, arrive: 130, resolve: 260 },
  { id: 'C3', enterpriseId: 'E0014', substationId: 'S5', at: t('12:30:00'), acknowledge: 35, arrive: 160, resolve: 250 },
  { id: 'C4', enterpriseId: 'E0015', substationId: 'S5', at: t('19:00:00'), acknowledge: 50, arrive: 140, resolve: 270 },
  // Acknowledged at 00:00:10 the next day; onScene (due 00:02:45) and underControl (00:04:45) are not yet due at asOf.
  { id: 'C5', enterpriseId: 'E0006', substationId: 'S5', at: t('23:59:45'), acknowledge: 25 },
  // S6
  { id: 'D1', enterpriseId: 'E0009', substationId: 'S6', at: t('05:30:00'), acknowledge: 65, arrive: 240, resolve: 360 }, // all late
  { id: 'D2', enterpriseId: 'E0010', substationId: 'S6', at: t('15:50:00'), acknowledge: 10, arrive: 185, resolve: 299 }, // onScene late
  { id: 'D3', enterpriseId: 'E0017', substationId: 'S6', at: t('21:10:00'), acknowledge: 59, arrive: 180, resolve: 310 }, // underControl late
  // Exactly `to`: belongs to the next day. Acknowledged in 5 s; the rest not yet due at asOf.
  { id: 'X2', enterpriseId: 'E0004', substationId: 'S2', at: t('00:00:00', 3), acknowledge: 5 },
];

const BACKUP: Record<string, string> = { S1: 'S2', S2: 'S1', S5: 'S6', S6: 'S5' };

interface Step {
  at: number;
  run(desk: DispatchDesk): Promise<void>;
}

const STEPS: Step[] = DAY.flatMap((i) => {
  const action = (type: TimelineAction['type'], afterS: number | undefined): Step[] =>
    afterS === undefined ? [] : [{ at: i.at + afterS * S, run: (desk) => desk.act(i, type, i.at + afterS * S) }];
  return [
    { at: i.at, run: (desk: DispatchDesk) => desk.dispatch(i) },
    ...action('acknowledge', i.acknowledge),
    ...action('arrive', i.arrive),
    ...action('resolve', i.resolve),
  ];
}).sort((a, b) => a.at - b.at);

/**
 * What the dispatch and command-center apps do to the store, driven by the
 * script's clock: open incidents, record substation actions under a row lock,
 * and escalate each missed milestone at its deadline as the EscalateMilestone use case does.
 */
class DispatchDesk {
  private readonly incidents: IncidentsRepository;

  constructor(sql: SqlClient) {
    this.incidents = new IncidentsRepository(sql);
  }

  async dispatch(i: ScriptedIncident): Promise<void> {
    const result = await this.incidents.openOrJoin({
      id: i.id,
      enterpriseId: i.enterpriseId,
      grade: 'orange',
      assignmentReason: 'own area',
      openedByKey: `alarm-${i.id}`,
      alarmId: `alarm-${i.id}`,
      correlationId: `c-${i.id}`,
      timeline: openTimeline(i.at, DEFAULT_TIMELINE_POLICY, i.substationId),
    });
    expect(result).toMatchObject({ created: true, incident: { id: i.id, timeline: { substationId: i.substationId } } });
  }

  async act(i: ScriptedIncident, type: TimelineAction['type'], at: number): Promise<void> {
    const update = await this.incidents.updateTimeline(i.id, (current) => ({
      state: applyAction(current, { type, at, by: `duty officer ${i.substationId}`, substationId: i.substationId }).state,
    }));
    expect(update.outcome).toBe('changed');
  }

  /** Fires, in deadline order and each at its own deadline, every stored deadline that passed before `now`. */
  async escalateBefore(now: number): Promise<void> {
    for (;;) {
      const [next] = await this.incidents.pendingDeadlines(now - 1, 1);
      if (!next) return;
      await this.escalate(next.incidentId, next.milestone, next.dueAt);
    }
  }

  private async escalate(incidentId: string, milestone: MilestoneName, now: number): Promise<void> {
    const update = await this.incidents.updateTimeline(incidentId, (current) => {
      expect(dueEscalations(current, now)).toContain(milestone);
      const backupSubstationId = BACKUP[current.substationId];
      const next = escalate(current, milestone, now, backupSubstationId);
      const dueAt = next.milestones.find((m) => m.name === milestone)!.dueAt;
      return { state: next, escalation: { milestone, at: now, dueAt, backupSubstationId, lateByMs: Math.max(0, now - dueAt) } };
    });
    expect(update.outcome).toBe('changed');
  }
}

/** Plays the steps in order, escalating missed deadlines as the clock passes them. */
async function play(desk: DispatchDesk, steps: Step[]): Promise<void> {
  for (const step of steps) {
    await desk.escalateBefore(step.at);
    await step.run(desk);
  }
}

/** A database that can be closed and opened again, as a process restart does; every open runs the migrations. */
interface ReopenableDatabase {
  open(): Promise<SqlClient>;
  dispose(): Promise<void>;
}

const BACKENDS: Array<{ name: 'pglite' | 'pg'; create(): Promise<ReopenableDatabase> }> = [
  {
    name: 'pglite',
    async create() {
      const dir = await tempDataDir();
      return {
        async open() {
          const logger = recordingLogger();
          const sql = await openPgliteClient(join(dir, 'pg'), logger);
          await migrate(sql, logger);
          return sql;
        },
        dispose: () => rm(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'pg',
    async create() {
      const db = await createPgDatabase();
      return {
        async open() {
          const logger = recordingLogger();
          const sql = await openPgClient(db.url, logger);
          await migrate(sql, logger);
          return sql;
        },
        dispose: () => db.drop(),
      };
    },
  },
];

async function seedZone(sql: SqlClient): Promise<void> {
  const zone = generateZone({ enterprises: 20 });
  for (const i of DAY) expect(zone.enterprises.find((e) => e.id === i.enterpriseId)?.substationId).toBe(i.substationId);
  await new ZoneRepository(sql).seedIfEmpty(zone, gradeEnterprise, Date.UTC(2026, 2, 1));
}

const m = (
  judged: number,
  met: number,
  share: number | null,
  p50S: number | null,
  p90S: number | null,
  reached: number,
): MilestoneCompliance => ({
  judged,
  met,
  share,
  meets90: share === null ? null : share >= 0.9,
  p50S,
  p90S,
  reached,
});
const NOTHING_JUDGED = m(0, 0, null, null, null, 0);

/*
 * The auditor's sheet for [2026-03-02, 2026-03-03) as of 00:00:30 on the 3rd.
 * X1 (before `from`) and X2 (at `to`) are left out. percentile_cont: sorted
 * v[0..n-1], position p·(n-1), linear interpolation between neighbours.
 *
 * S1: A1..A5, escalations A3 onScene + underControl, A4 acknowledged, A5 underControl → 4.
 *   acknowledged  40 55 58 90(late) 30        → met 4 of 5 → 0.8; sorted 30 40 55 58 90:
 *                 p50 = v[2] = 55; p90 = v[3.6] = 58 + 0.6·32 = 77.2
 *   onScene       150 170 200(late) 175 120   → met 4 of 5 → 0.8; sorted 120 150 170 175 200:
 *                 p50 = 170; p90 = 175 + 0.6·25 = 190
 *   underControl  280 290 420(late) 295, A5 never and overdue → judged 5, met 3 → 0.6;
 *                 reached 4, sorted 280 290 295 420: p50 = v[1.5] = 292.5; p90 = v[2.7] = 295 + 0.7·125 = 382.5
 * S2: B1..B3, escalations B3 ×3 → 3. B2 acts exactly on each deadline (met); B3 never acts.
 *   acknowledged  20 60, B3 overdue  → met 2 of 3 → 0.667; p50 = v[0.5] = 40; p90 = v[0.9] = 20 + 0.9·40 = 56
 *   onScene       100 179, B3        → 0.667; p50 = 139.5; p90 = 100 + 0.9·79 = 171.1
 *   underControl  240 300, B3        → 0.667; p50 = 270; p90 = 240 + 0.9·60 = 294
 * S5: C1..C5, no escalations. C5 is acknowledged; its other two milestones are not due yet.
 *   acknowledged  15 25 35 50 25 → 5 of 5 → 1 (meets 90 %); sorted 15 25 25 35 50: p50 = 25; p90 = 35 + 0.6·15 = 44
 *   onScene       95 130 160 140 → 4 of 4; sorted 95 130 140 160: p50 = 135; p90 = v[2.7] = 140 + 0.7·20 = 154
 *   underControl  200 260 250 270 → 4 of 4; sorted 200 250 260 270: p50 = 255; p90 = 260 + 0.7·10 = 267
 * S6: D1..D3, escalations D1 ×3, D2 onScene, D3 underControl → 5.
 *   acknowledged  65(late) 10 59    → 2 of 3 → 0.667; sorted 10 59 65: p50 = 59; p90 = v[1.8] = 59 + 0.8·6 = 63.8
 *   onScene       240(late) 185(late) 180 → 1 of 3 → 0.333; sorted 180 185 240: p50 = 185; p90 = 185 + 0.8·55 = 229
 *   underControl  360(late) 299 310(late) → 1 of 3 → 0.333; sorted 299 310 360: p50 = 310; p90 = 310 + 0.8·50 = 350
 * Zone: 5 + 3 + 5 + 3 = 16 incidents, 4 + 3 + 0 + 5 = 12 escalations.
 *   acknowledged  judged 5+3+5+3 = 16, met 4+2+5+2 = 13 → 0.8125 → 0.813; reached 15, sorted
 *                 10 15 20 25 25 30 35 40 50 55 58 59 60 65 90: p50 = v[7] = 40; p90 = v[12.6] = 60 + 0.6·5 = 63
 *   onScene       judged 5+3+4+3 = 15, met 4+2+4+1 = 11 → 0.733; reached 14, sorted
 *                 95 100 120 130 140 150 160 170 175 179 180 185 200 240: p50 = v[6.5] = 165; p90 = v[11.7] = 185 + 0.7·15 = 195.5
 *   underControl  judged 5+3+4+3 = 15, met 3+2+4+1 = 10 → 0.667; reached 13, sorted
 *                 200 240 250 260 270 280 290 295 299 300 310 360 420: p50 = v[6] = 290; p90 = v[10.8] = 310 + 0.8·50 = 350
 */
const S1: ComplianceFigures = {
  incidents: 5,
  escalations: 4,
  milestones: { acknowledged: m(5, 4, 0.8, 55, 77.2, 5), onScene: m(5, 4, 0.8, 170, 190, 5), underControl: m(5, 3, 0.6, 292.5, 382.5, 4) },
};
const S2: ComplianceFigures = {
  incidents: 3,
  escalations: 3,
  milestones: {
    acknowledged: m(3, 2, 0.667, 40, 56, 2),
    onScene: m(3, 2, 0.667, 139.5, 171.1, 2),
    underControl: m(3, 2, 0.667, 270, 294, 2),
  },
};
const S5: ComplianceFigures = {
  incidents: 5,
  escalations: 0,
  milestones: { acknowledged: m(5, 5, 1, 25, 44, 5), onScene: m(4, 4, 1, 135, 154, 4), underControl: m(4, 4, 1, 255, 267, 4) },
};
const S6: ComplianceFigures = {
  incidents: 3,
  escalations: 5,
  milestones: {
    acknowledged: m(3, 2, 0.667, 59, 63.8, 3),
    onScene: m(3, 1, 0.333, 185, 229, 3),
    underControl: m(3, 1, 0.333, 310, 350, 3),
  },
};
const DAY_REPORT: ComplianceReport = {
  from: '2026-03-02T00:00:00.000Z',
  to: '2026-03-03T00:00:00.000Z',
  asOf: '2026-03-03T00:00:30.000Z',
  zone: {
    incidents: 16,
    escalations: 12,
    milestones: {
      acknowledged: m(16, 13, 0.813, 40, 63, 15),
      onScene: m(15, 11, 0.733, 165, 195.5, 14),
      underControl: m(15, 10, 0.667, 290, 350, 13),
    },
  },
  substations: [
    { substationId: 'S1', ...S1 },
    { substationId: 'S2', ...S2 },
    { substationId: 'S5', ...S5 },
    { substationId: 'S6', ...S6 },
  ],
};

describe.each(BACKENDS)('ComplianceReportRepository on $name', (backend) => {
  describe('a scripted day of incidents', () => {
    let db: ReopenableDatabase;
    let sql: SqlClient;
    let sut: ComplianceReportRepository;

    beforeAll(async () => {
      db = await backend.create();
      sql = await db.open();
      await seedZone(sql);
      const desk = new DispatchDesk(sql);
      await play(desk, STEPS);
      await desk.escalateBefore(AS_OF.getTime() + 1);
      sut = new ComplianceReportRepository(sql);
    });

    afterAll(async () => {
      await sql?.close();
      await db?.dispose();
    });

    it('produces exactly the report figures an auditor would compute by hand', async () => {
      await expect(sut.report(FROM, TO, AS_OF)).resolves.toEqual(DAY_REPORT);
    });

    it('stored the escalations the script implies, including those of incidents outside the day', async () => {
      const rows = await sql.query<{ incident_id: string; milestone: string; late_by_ms: number }>(
        `SELECT incident_id, milestone, late_by_ms FROM incident_escalations ORDER BY incident_id, due_at`,
      );
      expect(rows.map((r) => `${r.incident_id}:${r.milestone}`)).toEqual([
        'A3:onScene',
        'A3:underControl',
        'A4:acknowledged',
        'A5:underControl',
        'B3:acknowledged',
        'B3:onScene',
        'B3:underControl',
        'D1:acknowledged',
        'D1:onScene',
        'D1:underControl',
        'D2:onScene',
        'D3:underControl',
        'X1:acknowledged',
        'X1:onScene',
        'X1:underControl',
      ]);
      expect(rows.every((r) => r.late_by_ms === 0)).toBe(true);
    });

    it('filtered to one substation, gives only that station’s figures, as zone and as its one row', async () => {
      await expect(sut.report(FROM, TO, AS_OF, 'S6')).resolves.toEqual({
        ...DAY_REPORT,
        zone: S6,
        substations: [{ substationId: 'S6', ...S6 }],
      });
      await expect(sut.report(FROM, TO, AS_OF, 'S1')).resolves.toEqual({
        ...DAY_REPORT,
        zone: S1,
        substations: [{ substationId: 'S1', ...S1 }],
      });
      // S3 had no incident: nothing judged, no percentiles, no rows.
      await expect(sut.report(FROM, TO, AS_OF, 'S3')).resolves.toEqual({
        ...DAY_REPORT,
        zone: {
          incidents: 0,
          escalations: 0,
          milestones: { acknowledged: NOTHING_JUDGED, onScene: NOTHING_JUDGED, underControl: NOTHING_JUDGED },
        },
        substations: [],
      });
    });

    it('takes from as inclusive and to as exclusive: the incidents on either side belong to their own days', async () => {
      // X1 alone (S1): acknowledged 200, on scene 400, under control 900 s — all reached, all late, three escalations.
      const x1: ComplianceFigures = {
        incidents: 1,
        escalations: 3,
        milestones: { acknowledged: m(1, 0, 0, 200, 200, 1), onScene: m(1, 0, 0, 400, 400, 1), underControl: m(1, 0, 0, 900, 900, 1) },
      };
      await expect(sut.report(new Date(t('00:00:00', 1)), FROM, AS_OF)).resolves.toEqual({
        from: '2026-03-01T00:00:00.000Z',
        to: '2026-03-02T00:00:00.000Z',
        asOf: DAY_REPORT.asOf,
        zone: x1,
        substations: [{ substationId: 'S1', ...x1 }],
      });
      // X2 alone (S2): acknowledged in 5 s (met); on scene and under control not due until 00:03 and 00:05.
      const x2: ComplianceFigures = {
        incidents: 1,
        escalations: 0,
        milestones: { acknowledged: m(1, 1, 1, 5, 5, 1), onScene: NOTHING_JUDGED, underControl: NOTHING_JUDGED },
      };
      await expect(sut.report(TO, new Date(t('00:00:00', 4)), AS_OF)).resolves.toEqual({
        from: '2026-03-03T00:00:00.000Z',
        to: '2026-03-04T00:00:00.000Z',
        asOf: DAY_REPORT.asOf,
        zone: x2,
        substations: [{ substationId: 'S2', ...x2 }],
      });
      // from one second earlier takes in X1 (dispatched exactly then); to = 23:59:45 leaves out C5 (dispatched exactly then).
      const shifted = await sut.report(new Date(FROM.getTime() - S), new Date(t('23:59:45')), AS_OF);
      expect(shifted.zone.incidents).toBe(16);
      expect(shifted.substations.find((s) => s.substationId === 'S1')).toMatchObject({ incidents: 6, escalations: 7 });
      expect(shifted.substations.find((s) => s.substationId === 'S5')).toMatchObject({
        incidents: 4,
        milestones: { acknowledged: { judged: 4 } },
      });
    });
  });

  it('gives the same report when the process restarts half-way through the day', async () => {
    const db = await backend.create();
    let sql = await db.open();
    try {
      await seedZone(sql);
      // 09:32: A3 is acknowledged and its onScene deadline (09:33) is still ahead, known only to the store.
      const split = STEPS.findIndex((s) => s.at > t('09:32:00'));
      await play(new DispatchDesk(sql), STEPS.slice(0, split));
      await expect(sql.query(`SELECT count(*)::int AS n FROM incident_escalations WHERE incident_id = 'A3'`)).resolves.toEqual([{ n: 0 }]);
      await sql.close();

      sql = await db.open();
      const desk = new DispatchDesk(sql);
      await play(desk, STEPS.slice(split));
      await desk.escalateBefore(AS_OF.getTime() + 1);

      await expect(new ComplianceReportRepository(sql).report(FROM, TO, AS_OF)).resolves.toEqual(DAY_REPORT);
    } finally {
      await sql.close();
      await db.dispose();
    }
  });
});
