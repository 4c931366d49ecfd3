import type { Grade } from '@app/contracts';
import { gradeEnterprise, openHazard, RECTIFICATION_POLICY, rectifyHazard, reinspectHazard } from '@app/domain';
import { STORAGE_BACKENDS, type TestDatabase } from '@app/testing/storage-backends';
import { HazardReportRepository } from './hazard-report.repository';
import { InspectionsRepository, type HazardActor } from './inspections.repository';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);
const FROM = T0;
const TO = T0 + 30 * DAY;
const NOW = T0 + 40 * DAY;
const inspector: HazardActor = { name: 'Zhang Wei', tokenId: 'tok-inspector', role: 'inspector' };
const owner: HazardActor = { name: 'Li Na', tokenId: 'tok-enterprise', role: 'enterprise' };
const STANDING = {
  threeInOne: false,
  multiTenant: false,
  tenants: 1,
  unauthorisedStructures: false,
  fireLaneBlocked: false,
  noSprinklers: false,
};

/**
 * The period is [T0, T0+30d); deadlines are orange 3 days, red 1, yellow 7.
 * H1 E1/S1 fire-lane-blocked orange, opened d1 (due d4): rectified d2, re-inspection fails d3 (due d6), rectified d7
 *    (late: overdue), verified d8.
 * H2 E2/S1 unsafe-wiring red, opened d1 (due d2): never rectified (overdue).
 * H3 E3/S2 extinguisher-missing yellow, opened d5 (due d12): rectified d8, verified d9.
 * H4 E3/S2 fire-lane-blocked orange, opened d-10 (before the period), rectified d-8, verified d2 (in the period).
 * H5 E1/S1 unsafe-wiring red, opened d31 (after the period): nowhere.
 * Zone: opened 3 (H1-H3); rectified 3 (H1 twice, H3); verified 3 (H1, H3, H4); re-inspections 4 (those and H1's
 * failure): pass rate 0.75; overdue at least once H1, H2 of 3: 0.667; days to the first rectification H1 1, H3 3:
 * median 2.
 */
describe.each(STORAGE_BACKENDS)('HazardReportRepository on $name', (backend) => {
  let db: TestDatabase;
  let sut: HazardReportRepository;
  let inspections: InspectionsRepository;

  async function open(enterpriseId: string, kind: string, severity: Grade, day: number): Promise<string> {
    const at = T0 + day * DAY;
    const recorded = await inspections.record(
      {
        enterpriseId,
        at,
        recordedAt: at,
        note: '',
        campaignId: null,
        inspector,
        findings: [{ kind, note: '', opened: openHazard(RECTIFICATION_POLICY, severity, at).state, evidence: [] }],
      },
      gradeEnterprise,
      'c',
    );
    return recorded!.hazards[0].id;
  }
  const rectify = (hazardId: string, day: number) =>
    inspections.changeState(
      { hazardId, at: T0 + day * DAY, actor: owner, note: 'done', decide: rectifyHazard, evidence: [] },
      gradeEnterprise,
      'c',
    );
  const reinspect = (hazardId: string, day: number, passed: boolean) =>
    inspections.changeState(
      {
        hazardId,
        at: T0 + day * DAY,
        actor: inspector,
        note: null,
        decide: (s) => reinspectHazard(RECTIFICATION_POLICY, s, passed, T0 + day * DAY),
        evidence: [],
      },
      gradeEnterprise,
      'c',
    );

  beforeAll(async () => {
    db = await backend.open();
    sut = new HazardReportRepository(db.sql);
    inspections = new InspectionsRepository(db.sql);
    await db.sql.query(`INSERT INTO substations (id, name, lat, lon, area, capacity) VALUES
      ('S1', 'S1', 30, 120, '[]'::jsonb, 2), ('S2', 'S2', 30, 120, '[]'::jsonb, 2)`);
    for (const [e, s] of [
      ['E1', 'S1'],
      ['E2', 'S1'],
      ['E3', 'S2'],
    ])
      await db.sql.query(
        `INSERT INTO enterprises (id, name, industry, lat, lon, substation_id, hazards, grade, grade_reasons)
         VALUES ($1, $1, 'x', 30, 120, $2, $3::jsonb, 'blue', '[]'::jsonb)`,
        [e, s, JSON.stringify(STANDING)],
      );
    const h1 = await open('E1', 'fire-lane-blocked', 'orange', 1);
    await rectify(h1, 2);
    await reinspect(h1, 3, false);
    await rectify(h1, 7);
    await reinspect(h1, 8, true);
    await open('E2', 'unsafe-wiring', 'red', 1);
    const h3 = await open('E3', 'extinguisher-missing', 'yellow', 5);
    await rectify(h3, 8);
    await reinspect(h3, 9, true);
    const h4 = await open('E3', 'fire-lane-blocked', 'orange', -10);
    await rectify(h4, -8);
    await reinspect(h4, 2, true);
    await open('E1', 'unsafe-wiring', 'red', 31);
  });

  afterAll(() => db.dispose());

  it('gives the zone its figures, and each substation its own', async () => {
    await expect(sut.report(FROM, TO, 'substation', NOW)).resolves.toEqual({
      from: new Date(FROM).toISOString(),
      to: new Date(TO).toISOString(),
      groupBy: 'substation',
      zone: { opened: 3, rectified: 3, verified: 3, overdueShare: 0.667, medianDaysToRectify: 2, reinspectionPassRate: 0.75 },
      groups: [
        // H1, H2: both overdue once; H1's first rectification after 1 day; H1 passed once, failed once.
        { key: 'S1', opened: 2, rectified: 2, verified: 1, overdueShare: 1, medianDaysToRectify: 1, reinspectionPassRate: 0.5 },
        // H3 (and H4's verification): never overdue; 3 days to rectify; two passes.
        { key: 'S2', opened: 1, rectified: 1, verified: 2, overdueShare: 0, medianDaysToRectify: 3, reinspectionPassRate: 1 },
      ],
    });
  });

  it('groups by kind and by enterprise, most opened first then by key', async () => {
    const byKind = await sut.report(FROM, TO, 'kind', NOW);
    expect(byKind.groups).toEqual([
      {
        key: 'extinguisher-missing',
        opened: 1,
        rectified: 1,
        verified: 1,
        overdueShare: 0,
        medianDaysToRectify: 3,
        reinspectionPassRate: 1,
      },
      // H1 and H4: H1's two rectifications, H1's and H4's passes against H1's failure.
      {
        key: 'fire-lane-blocked',
        opened: 1,
        rectified: 2,
        verified: 2,
        overdueShare: 1,
        medianDaysToRectify: 1,
        reinspectionPassRate: 0.667,
      },
      {
        key: 'unsafe-wiring',
        opened: 1,
        rectified: 0,
        verified: 0,
        overdueShare: 1,
        medianDaysToRectify: null,
        reinspectionPassRate: null,
      },
    ]);
    const byEnterprise = await sut.report(FROM, TO, 'enterprise', NOW);
    expect(byEnterprise.groups.map((g) => [g.key, g.opened, g.verified])).toEqual([
      ['E1', 1, 1],
      ['E2', 1, 0],
      ['E3', 1, 2],
    ]);
  });

  it('counts a stretch still unrectified as overdue only once its deadline passed before now', async () => {
    // At d1.5 H2 (due d2) is not yet overdue, H1 is rectified in time so far; the period ends there too.
    const early = await sut.report(FROM, T0 + 1.5 * DAY, 'substation', T0 + 1.5 * DAY);
    expect(early.zone).toEqual({
      opened: 2,
      rectified: 0,
      verified: 0,
      overdueShare: 0,
      medianDaysToRectify: null,
      reinspectionPassRate: null,
    });
  });

  it('gives nulls, not zeros, for the shares of a period with nothing in it', async () => {
    await expect(sut.report(T0 + 100 * DAY, T0 + 101 * DAY, 'kind', NOW)).resolves.toMatchObject({
      zone: { opened: 0, rectified: 0, verified: 0, overdueShare: null, medianDaysToRectify: null, reinspectionPassRate: null },
      groups: [],
    });
  });
});
