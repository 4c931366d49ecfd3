import { HazardErrorCode } from '@app/domain';
import type { CampaignMembership, CampaignsRepository, GradeChange, InspectionsRepository, NewInspection } from '@app/storage';
import { ManualClock } from '@app/testing/manual-clock';
import type { HazardGradePublisher } from './hazard-grade.publisher';
import { RecordInspection, type RecordInspectionCommand } from './record-inspection';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 11, 2, 9, 0, 0);
const PNG = Buffer.from('89504e470d0a1a0a0000', 'hex').toString('base64');
const png = { name: 'a.png', contentType: 'image/png', dataBase64: PNG };
const change: GradeChange = { at: new Date(NOW), enterpriseId: 'E1', from: 'blue', to: 'orange', reasons: [], correlationId: 'c' };

function setup() {
  const recorded: NewInspection[] = [];
  const published: GradeChange[] = [];
  const inspections = {
    record: jest.fn((inspection: NewInspection) => {
      recorded.push(inspection);
      return Promise.resolve(inspection.enterpriseId === 'E1' ? { inspection: {}, hazards: [], gradeChange: change } : null);
    }),
  } as unknown as InspectionsRepository;
  const campaigns = {
    membership: jest.fn((campaignId: string, enterpriseId: string): Promise<CampaignMembership> =>
      Promise.resolve(campaignId !== 'K1' ? 'unknown-campaign' : enterpriseId === 'E1' ? 'member' : 'not-member'),
    ),
  } as unknown as CampaignsRepository;
  const grades = { publish: jest.fn((c: GradeChange) => Promise.resolve(void published.push(c))) } as unknown as HazardGradePublisher;
  return { sut: new RecordInspection(new ManualClock(NOW), inspections, campaigns, grades), recorded, published };
}

function command(overrides: Partial<RecordInspectionCommand> = {}): RecordInspectionCommand {
  return {
    actor: { name: 'Zhang', tokenId: 't', role: 'inspector' },
    correlationId: 'c',
    enterpriseId: 'E1',
    at: undefined,
    note: '',
    campaignId: null,
    findings: [{ kind: 'fire-lane-blocked' }],
    ...overrides,
  };
}

describe('RecordInspection', () => {
  it("opens each finding at its kind's default severity or the inspector's, due by the policy from the inspection's time, and announces the grade", async () => {
    const { sut, recorded, published } = setup();
    const at = new Date(NOW - 2 * HOUR);
    const result = await sut.execute(
      command({
        at,
        findings: [
          { kind: 'fire-lane-blocked', evidence: [png] },
          { kind: 'unsafe-wiring', severity: 'red', note: 'bare wires' },
        ],
      }),
    );
    expect(result.outcome).toBe('recorded');
    expect(recorded[0]).toMatchObject({ enterpriseId: 'E1', at: at.getTime(), recordedAt: NOW });
    expect(recorded[0].findings.map((f) => [f.kind, f.opened, f.note, f.evidence.length])).toEqual([
      ['fire-lane-blocked', { status: 'open', severity: 'orange', deadline: at.getTime() + 72 * HOUR, reopenCount: 0 }, '', 1],
      ['unsafe-wiring', { status: 'open', severity: 'red', deadline: at.getTime() + 24 * HOUR, reopenCount: 0 }, 'bare wires', 0],
    ]);
    expect(published).toEqual([change]);
  });

  it('records an inspection within a campaign that holds the enterprise', async () => {
    const { sut, recorded } = setup();
    await expect(sut.execute(command({ campaignId: 'K1' }))).resolves.toMatchObject({ outcome: 'recorded' });
    expect(recorded[0]).toMatchObject({ enterpriseId: 'E1', campaignId: 'K1' });
  });

  it.each<[string, Partial<RecordInspectionCommand>, string]>([
    ['an unknown kind', { findings: [{ kind: 'fire-lane-blocked' }, { kind: 'dragon' }] }, 'unknown-kind'],
    ['a time more than five minutes ahead', { at: new Date(NOW + 5 * 60_000 + 1) }, 'in-the-future'],
    ['an unknown campaign', { campaignId: 'K9' }, 'unknown-campaign'],
    ['an enterprise the campaign does not hold', { enterpriseId: 'E2', campaignId: 'K1' }, 'not-in-campaign'],
  ])('refuses %s without writing', async (_, overrides, outcome) => {
    const { sut, recorded, published } = setup();
    await expect(sut.execute(command(overrides))).resolves.toMatchObject({ outcome });
    expect(recorded).toEqual([]);
    expect(published).toEqual([]);
  });

  it('answers an unknown enterprise as the repository found it, announcing nothing', async () => {
    const { sut, published } = setup();
    await expect(sut.execute(command({ enterpriseId: 'nope' }))).resolves.toEqual({ outcome: 'unknown-enterprise' });
    expect(published).toEqual([]);
  });

  it('holds the evidence file limit over the whole request, and takes a time a little ahead', async () => {
    const { sut, recorded } = setup();
    const three = { kind: 'fire-lane-blocked', evidence: [png, png, png] };
    await expect(sut.execute(command({ findings: [three, three] }))).rejects.toMatchObject({ code: HazardErrorCode.TooManyEvidenceFiles });
    expect(recorded).toEqual([]);
    await expect(sut.execute(command({ at: new Date(NOW + 60_000) }))).resolves.toMatchObject({ outcome: 'recorded' });
  });
});
