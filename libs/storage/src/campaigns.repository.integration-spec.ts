import { gradeEnterprise, openHazard, RECTIFICATION_POLICY, rectifyHazard } from '@app/domain';
import { STORAGE_BACKENDS, type TestDatabase } from '@app/testing/storage-backends';
import { CampaignsRepository } from './campaigns.repository';
import { InspectionsRepository, type HazardActor } from './inspections.repository';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);
const inspector: HazardActor = { name: 'Zhang Wei', tokenId: 'tok-inspector', role: 'inspector' };
const STANDING = {
  threeInOne: false,
  multiTenant: false,
  tenants: 1,
  unauthorisedStructures: false,
  fireLaneBlocked: false,
  noSprinklers: false,
};

describe.each(STORAGE_BACKENDS)('CampaignsRepository on $name', (backend) => {
  let db: TestDatabase;
  let sut: CampaignsRepository;
  let inspections: InspectionsRepository;

  const campaign = (scope: { enterpriseIds: string[] } | { substationId: string }) =>
    sut.create({ name: 'Fire lanes 2026', until: T0 + 30 * DAY, createdBy: 'Zhang Wei', createdAt: T0, scope });

  beforeAll(async () => {
    db = await backend.open();
    sut = new CampaignsRepository(db.sql);
    inspections = new InspectionsRepository(db.sql);
    await db.sql.query(`INSERT INTO substations (id, name, lat, lon, area, capacity) VALUES
      ('S1', 'S1', 30, 120, '[]'::jsonb, 2), ('S2', 'S2', 30, 120, '[]'::jsonb, 2), ('S3', 'S3', 30, 120, '[]'::jsonb, 2)`);
    for (const [e, s, status] of [
      ['E1', 'S1', 'active'],
      ['E2', 'S1', 'active'],
      ['E3', 'S1', 'retired'],
      ['E4', 'S2', 'active'],
    ])
      await db.sql.query(
        `INSERT INTO enterprises (id, name, industry, lat, lon, substation_id, hazards, grade, grade_reasons, status)
         VALUES ($1, $1 || ' Ltd', 'x', 30, 120, $2, $3::jsonb, 'blue', '[]'::jsonb, $4)`,
        [e, s, JSON.stringify(STANDING), status],
      );
  });

  afterAll(() => db.dispose());

  it('expands a substation to its active enterprises at creation, and refuses what does not exist or is empty', async () => {
    const created = await campaign({ substationId: 'S1' });
    expect(created).toEqual({
      created: expect.objectContaining({ name: 'Fire lanes 2026', until: new Date(T0 + 30 * DAY), enterpriseIds: ['E1', 'E2'] }),
    });
    await expect(campaign({ substationId: 'S9' })).resolves.toEqual({ refused: 'unknown-substation' });
    await expect(campaign({ substationId: 'S3' })).resolves.toEqual({ refused: 'no-enterprises' });
    await expect(campaign({ enterpriseIds: ['E4', 'E8', 'E9'] })).resolves.toEqual({
      refused: 'unknown-enterprises',
      enterpriseIds: ['E8', 'E9'],
    });
    await expect(campaign({ enterpriseIds: ['E4', 'E4'] })).resolves.toEqual({
      created: expect.objectContaining({ enterpriseIds: ['E4'] }),
    });
    const [{ n }] = await db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM campaigns');
    expect(n).toBe(2);
    await expect(sut.list(10, 0)).resolves.toHaveLength(2);
  });

  it('tells whether a campaign holds an enterprise, and counts its progress from the inspections naming it', async () => {
    const { created } = (await campaign({ enterpriseIds: ['E1', 'E2', 'E4'] })) as { created: { id: string } };
    await expect(sut.membership(created.id, 'E1')).resolves.toBe('member');
    await expect(sut.membership(created.id, 'E3')).resolves.toBe('not-member');
    await expect(sut.membership('no-such-campaign', 'E1')).resolves.toBe('unknown-campaign');

    const inspect = async (enterpriseId: string, campaignId: string | null, severities: ('orange' | 'yellow')[]) =>
      (await inspections.record(
        {
          enterpriseId,
          at: T0 + DAY,
          recordedAt: T0 + DAY,
          note: '',
          campaignId,
          inspector,
          findings: severities.map((s) => ({
            kind: 'fire-lane-blocked',
            note: '',
            opened: openHazard(RECTIFICATION_POLICY, s, T0 + DAY).state,
            evidence: [],
          })),
        },
        gradeEnterprise,
        'c',
      ))!.hazards;
    // E1 in the campaign: an orange (due d4) it rectifies and a yellow (due d8) it does not; E2: one orange left open.
    const [orange] = await inspect('E1', created.id, ['orange', 'yellow']);
    await inspections.changeState(
      { hazardId: orange.id, at: T0 + 2 * DAY, actor: inspector, note: 'cleared', decide: rectifyHazard, evidence: [] },
      gradeEnterprise,
      'c',
    );
    await inspect('E2', created.id, ['orange']);
    // An inspection of E4 outside the campaign is not its progress.
    await inspect('E4', null, ['orange']);

    const progress = await sut.progress(created.id, T0 + 5 * DAY);
    expect(progress?.total).toEqual({ enterprises: 3, inspected: 2, findings: 3, rectified: 1, verified: 0, overdue: 1 });
    expect(progress?.enterprises).toEqual([
      { enterpriseId: 'E1', name: 'E1 Ltd', inspected: 1, findings: 2, rectified: 1, verified: 0, overdue: 0 },
      { enterpriseId: 'E2', name: 'E2 Ltd', inspected: 1, findings: 1, rectified: 0, verified: 0, overdue: 1 },
      { enterpriseId: 'E4', name: 'E4 Ltd', inspected: 0, findings: 0, rectified: 0, verified: 0, overdue: 0 },
    ]);
    // At d9 E1's yellow is past its deadline too.
    await expect(sut.progress(created.id, T0 + 9 * DAY)).resolves.toMatchObject({ total: { overdue: 2 } });
    await expect(sut.progress('no-such-campaign', T0)).resolves.toBeNull();
  });
});
