import { gradeEnterprise, HazardErrorCode, openHazard, RECTIFICATION_POLICY, rectifyHazard, reinspectHazard } from '@app/domain';
import { STORAGE_BACKENDS, type TestDatabase } from '@app/testing/storage-backends';
import { ApiTokensRepository } from './api-tokens.repository';
import { GradeChangesRepository } from './grade-changes.repository';
import { InspectionsRepository, type HazardActor, type NewInspection } from './inspections.repository';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 2, 9, 0, 0);
const inspector: HazardActor = { name: 'Zhang Wei', tokenId: 'tok-inspector', role: 'inspector' };
const owner: HazardActor = { name: 'Li Na', tokenId: 'tok-enterprise', role: 'enterprise' };
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

function inspection(overrides: Partial<NewInspection> = {}): NewInspection {
  return {
    enterpriseId: 'E1',
    at: T0,
    recordedAt: T0 + 1000,
    note: 'routine',
    campaignId: null,
    inspector,
    findings: [
      {
        kind: 'fire-lane-blocked',
        note: 'pallets in the lane',
        opened: openHazard(RECTIFICATION_POLICY, 'orange', T0).state,
        evidence: [],
      },
    ],
    ...overrides,
  };
}

describe.each(STORAGE_BACKENDS)('InspectionsRepository on $name', (backend) => {
  let db: TestDatabase;
  let sut: InspectionsRepository;
  let grades: GradeChangesRepository;

  beforeAll(async () => {
    db = await backend.open();
    sut = new InspectionsRepository(db.sql);
    grades = new GradeChangesRepository(db.sql);
    await db.sql.query(`INSERT INTO substations (id, name, lat, lon, area, capacity) VALUES ('S1', 'S1', 30, 120, '[]'::jsonb, 2)`);
    for (const e of ['E1', 'E2', 'E3'])
      await db.sql.query(
        `INSERT INTO enterprises (id, name, industry, lat, lon, substation_id, hazards, grade, grade_reasons)
         VALUES ($1, $1, 'x', 30, 120, 'S1', $2::jsonb, 'blue', '["no live finding and no standing hazard"]'::jsonb)`,
        [
          e,
          JSON.stringify({
            threeInOne: false,
            multiTenant: false,
            tenants: 1,
            unauthorisedStructures: false,
            fireLaneBlocked: false,
            noSprinklers: false,
          }),
        ],
      );
    await db.sql.query(
      `INSERT INTO contacts (id, name, role, enterprise_id) VALUES ('C-duty', 'duty', 'duty', 'E1'), ('C-resp', 'Li Na', 'responsible', 'E1')`,
    );
  });

  afterAll(() => db.dispose());

  it('records an inspection: a hazard per finding with its responsible contact, its history, its evidence, and the grade it raises', async () => {
    const result = await sut.record(
      inspection({
        findings: [
          {
            kind: 'fire-lane-blocked',
            note: 'pallets in the lane',
            opened: openHazard(RECTIFICATION_POLICY, 'orange', T0).state,
            evidence: [{ name: 'lane.png', contentType: 'image/png', data: PNG }],
          },
          { kind: 'extinguisher-missing', note: '', opened: openHazard(RECTIFICATION_POLICY, 'yellow', T0).state, evidence: [] },
        ],
      }),
      gradeEnterprise,
      'c-1',
    );
    expect(result?.hazards).toHaveLength(2);
    expect(result?.hazards[0]).toMatchObject({
      enterpriseId: 'E1',
      kind: 'fire-lane-blocked',
      severity: 'orange',
      status: 'open',
      deadline: new Date(T0 + 72 * HOUR),
      responsibleContactId: 'C-resp',
      openedAt: new Date(T0),
      reopenCount: 0,
      overdueNotifiedAt: null,
    });
    expect(result?.inspection).toMatchObject({ enterpriseId: 'E1', inspectorName: 'Zhang Wei', recordedAt: new Date(T0 + 1000) });
    expect([...(result?.inspection.hazardIds ?? [])].sort()).toEqual(result?.hazards.map((h) => h.id).sort());
    expect(result?.gradeChange).toMatchObject({ from: 'blue', to: 'orange', correlationId: 'c-1' });
    expect(result?.gradeChange?.reasons[0]).toBe('inspection hazard: blocked fire lane (orange, due 2026-12-05)');
    expect(await grades.listForEnterprise('E1')).toHaveLength(1);

    const detail = await sut.detail(result!.hazards[0].id);
    expect(detail?.history).toEqual([
      expect.objectContaining({ seq: 1, action: 'opened', status: 'open', actor: inspector, note: 'pallets in the lane' }),
    ]);
    expect(detail?.evidence).toEqual([
      expect.objectContaining({ name: 'lane.png', contentType: 'image/png', sizeBytes: PNG.length, stage: 'finding' }),
    ]);
    const file = await sut.evidenceFile(result!.hazards[0].id, detail!.evidence[0].id);
    expect(file?.data.equals(PNG)).toBe(true);
    await expect(sut.evidenceFile(result!.hazards[1].id, detail!.evidence[0].id)).resolves.toBeNull();
  });

  it('takes a hazard through rectification, a failed and a passed re-inspection, regrading each time', async () => {
    const recorded = await sut.record(inspection({ enterpriseId: 'E2' }), gradeEnterprise, 'c-2');
    const id = recorded!.hazards[0].id;
    expect(recorded?.hazards[0].responsibleContactId).toBeNull();

    const rectified = await sut.changeState(
      {
        hazardId: id,
        at: T0 + HOUR,
        actor: owner,
        note: 'lane cleared',
        decide: rectifyHazard,
        evidence: [{ name: 'after.png', contentType: 'image/png', data: PNG }],
      },
      gradeEnterprise,
      'c-3',
    );
    expect(rectified?.hazard).toMatchObject({
      status: 'rectified',
      rectifiedAt: new Date(T0 + HOUR),
      rectifiedBy: 'Li Na',
      rectifiedNote: 'lane cleared',
    });
    expect(rectified?.gradeChange).toBeNull();

    const failedAt = T0 + 2 * HOUR;
    const reopened = await sut.changeState(
      {
        hazardId: id,
        at: failedAt,
        actor: inspector,
        note: 'pallets back',
        decide: (s) => reinspectHazard(RECTIFICATION_POLICY, s, false, failedAt),
        evidence: [],
      },
      gradeEnterprise,
      'c-4',
    );
    expect(reopened?.hazard).toMatchObject({ status: 'reopened', deadline: new Date(failedAt + 72 * HOUR), reopenCount: 1 });

    await sut.changeState(
      { hazardId: id, at: T0 + 3 * HOUR, actor: owner, note: 'cleared again', decide: rectifyHazard, evidence: [] },
      gradeEnterprise,
      'c-5',
    );
    const verifiedAt = T0 + 4 * HOUR;
    const verified = await sut.changeState(
      {
        hazardId: id,
        at: verifiedAt,
        actor: inspector,
        note: null,
        decide: (s) => reinspectHazard(RECTIFICATION_POLICY, s, true, verifiedAt),
        evidence: [],
      },
      gradeEnterprise,
      'c-6',
    );
    expect(verified?.hazard).toMatchObject({ status: 'verified', verifiedAt: new Date(verifiedAt), verifiedBy: 'Zhang Wei' });
    expect(verified?.gradeChange).toMatchObject({ from: 'orange', to: 'blue', correlationId: 'c-6' });

    const detail = await sut.detail(id);
    expect(detail?.history.map((e) => [e.action, e.status, e.actor.role])).toEqual([
      ['opened', 'open', 'inspector'],
      ['rectified', 'rectified', 'enterprise'],
      ['reopened', 'reopened', 'inspector'],
      ['rectified', 'rectified', 'enterprise'],
      ['verified', 'verified', 'inspector'],
    ]);
    expect(detail?.evidence.map((e) => e.stage)).toEqual(['rectification']);
  });

  it('leaves nothing written when the lifecycle refuses, and answers null for what does not exist', async () => {
    const recorded = await sut.record(inspection({ enterpriseId: 'E3' }), gradeEnterprise, 'c-7');
    const id = recorded!.hazards[0].id;
    const at = T0 + HOUR;
    await expect(
      sut.changeState(
        {
          hazardId: id,
          at,
          actor: inspector,
          note: null,
          decide: (s) => reinspectHazard(RECTIFICATION_POLICY, s, true, at),
          evidence: [{ name: 'x.png', contentType: 'image/png', data: PNG }],
        },
        gradeEnterprise,
        'c-8',
      ),
    ).rejects.toMatchObject({ code: HazardErrorCode.VerifyNotRectified });
    const detail = await sut.detail(id);
    expect(detail).toMatchObject({ status: 'open', evidence: [] });
    expect(detail?.history).toHaveLength(1);

    await expect(sut.record(inspection({ enterpriseId: 'nope' }), gradeEnterprise, 'c-9')).resolves.toBeNull();
    await expect(
      sut.changeState({ hazardId: 'nope', at, actor: owner, note: 'x', decide: rectifyHazard, evidence: [] }, gradeEnterprise, 'c'),
    ).resolves.toBeNull();
    await expect(sut.addEvidence('nope', [], at, owner)).resolves.toBeNull();
    await expect(sut.detail('nope')).resolves.toBeNull();
  });

  it('adds evidence with a history entry', async () => {
    const [hazard] = await sut.list({ enterpriseId: 'E3', now: T0, limit: 10, offset: 0 });
    const added = await sut.addEvidence(
      hazard.id,
      [{ name: 'report.pdf', contentType: 'application/pdf', data: Buffer.from('%PDF-1.7') }],
      T0 + HOUR,
      owner,
    );
    expect(added).toEqual([expect.objectContaining({ name: 'report.pdf', stage: 'other', addedBy: 'Li Na' })]);
    expect((await sut.detail(hazard.id))?.history.at(-1)).toMatchObject({ action: 'evidence-added', note: 'report.pdf', actor: owner });
  });

  it('lists hazards by enterprise, status and overdue, soonest due first, and inspections newest first', async () => {
    const late = T0 + 100 * HOUR;
    const overdue = await sut.list({ overdue: true, now: late, limit: 10, offset: 0 });
    // E1's two open hazards (orange 72 h, yellow 168 h: only the orange is late) and E3's open one; E2's is verified.
    // Both due at T0 + 72 h: in id order, which is random here.
    expect(overdue.map((h) => [h.enterpriseId, h.kind]).sort()).toEqual([
      ['E1', 'fire-lane-blocked'],
      ['E3', 'fire-lane-blocked'],
    ]);
    // Soonest due first: E2's, reopened with a deadline 74 h on, then verified; E1's yellow, due 168 h on.
    expect((await sut.list({ overdue: false, now: late, limit: 10, offset: 0 })).map((h) => h.status)).toEqual(['verified', 'open']);
    expect(await sut.list({ enterpriseId: 'E2', status: 'verified', now: late, limit: 10, offset: 0 })).toHaveLength(1);
    expect(await sut.list({ now: late, limit: 1, offset: 3 })).toHaveLength(1);
    // By the substation whose area holds the enterprise: all three are S1's.
    expect(await sut.list({ substationId: 'S1', overdue: true, now: late, limit: 10, offset: 0 })).toHaveLength(2);
    expect(await sut.list({ substationId: 'S2', now: late, limit: 10, offset: 0 })).toEqual([]);
    expect((await sut.listInspections({ enterpriseId: 'E1', limit: 10, offset: 0 })).map((i) => i.hazardIds.length)).toEqual([2]);
    expect(await sut.listInspections({ limit: 10, offset: 0 })).toHaveLength(3);
  });

  it('keeps counting open hazards when the risk engine regrades, and tokens take the new roles with their scope', async () => {
    await expect(grades.regrade('E1', gradeEnterprise, T0 + 5000, 'c-10')).resolves.toBeNull();
    const [{ grade }] = await db.sql.query<{ grade: string }>(`SELECT grade FROM enterprises WHERE id = 'E1'`);
    expect(grade).toBe('orange');

    const tokens = new ApiTokensRepository(db.sql);
    const at = new Date(T0);
    await expect(
      tokens.create('secret-enterprise-token-1', { role: 'enterprise', substationId: null, enterpriseId: 'E1', name: 'Li Na' }, at),
    ).resolves.toMatchObject({
      role: 'enterprise',
      enterpriseId: 'E1',
    });
    await expect(
      tokens.create('secret-inspector-token-1', { role: 'inspector', substationId: null, enterpriseId: null, name: 'Zhang' }, at),
    ).resolves.toMatchObject({
      role: 'inspector',
      enterpriseId: null,
    });
    // An enterprise token always names its enterprise, and no other role has one.
    await expect(
      tokens.create('secret-enterprise-token-2', { role: 'enterprise', substationId: null, enterpriseId: null, name: 'x' }, at),
    ).rejects.toThrow();
    await expect(
      tokens.create('secret-viewer-token-2', { role: 'viewer', substationId: null, enterpriseId: 'E1', name: 'x' }, at),
    ).rejects.toThrow();
  });

  it('claims each overdue hazard once per deadline, only inside a transaction whose announcement went out', async () => {
    // Found long before the other tests' hazards, so only it is past its deadline at these times.
    const found = T0 - 1000 * HOUR;
    const deadline = found + RECTIFICATION_POLICY.deadlineHours.orange * HOUR;
    const recorded = await sut.record(
      inspection({
        enterpriseId: 'E3',
        at: found,
        recordedAt: found,
        findings: [
          { kind: 'fire-lane-blocked', note: 'lane', opened: openHazard(RECTIFICATION_POLICY, 'orange', found).state, evidence: [] },
        ],
      }),
      gradeEnterprise,
      'c-20',
    );
    const id = recorded!.hazards[0].id;
    const announced: string[][] = [];
    const announce = (hs: { id: string }[]) => {
      announced.push(hs.map((h) => h.id));
      return Promise.resolve();
    };

    await expect(sut.claimOverdue(deadline, 10, announce)).resolves.toEqual([]);
    // An announcement that fails leaves the hazard unclaimed for the next sweep.
    await expect(sut.claimOverdue(deadline + 1, 10, () => Promise.reject(new Error('bus down')))).rejects.toThrow('bus down');
    await expect(sut.find(id)).resolves.toMatchObject({ overdueNotifiedAt: null });

    const claimed = await sut.claimOverdue(deadline + 1, 10, announce);
    expect(claimed).toEqual([
      expect.objectContaining({ id, enterpriseId: 'E3', substationId: 'S1', status: 'open', deadline: new Date(deadline) }),
    ]);
    expect(announced).toEqual([[id]]);
    await expect(sut.find(id)).resolves.toMatchObject({ overdueNotifiedAt: new Date(deadline + 1) });
    await expect(sut.claimOverdue(deadline + 2, 10, announce)).resolves.toEqual([]);

    // Rectified, then reopened by a failed re-inspection: the new deadline is told again when it passes.
    const reopenedAt = deadline + 10 * HOUR;
    const change = (at: number, decide: Parameters<InspectionsRepository['changeState']>[0]['decide']) =>
      sut.changeState({ hazardId: id, at, actor: inspector, note: null, decide, evidence: [] }, gradeEnterprise, 'c-21');
    await change(deadline + 5 * HOUR, (st) => rectifyHazard(st));
    await change(reopenedAt, (st) => reinspectHazard(RECTIFICATION_POLICY, st, false, reopenedAt));
    const newDeadline = reopenedAt + RECTIFICATION_POLICY.deadlineHours.orange * HOUR;
    await expect(sut.claimOverdue(newDeadline, 10, announce)).resolves.toEqual([]);
    // Two sweepers at once: the hazard is claimed by one of them only.
    const both = await Promise.all([sut.claimOverdue(newDeadline + 1, 10, announce), sut.claimOverdue(newDeadline + 1, 10, announce)]);
    expect(both.flat().map((h) => [h.id, h.status, h.deadline.getTime()])).toEqual([[id, 'reopened', newDeadline]]);
    expect(announced).toEqual([[id], [id]]);
  });
});
