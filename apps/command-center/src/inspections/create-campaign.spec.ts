import type { CampaignsRepository, NewCampaign } from '@app/storage';
import { ManualClock } from '@app/testing/manual-clock';
import { CreateCampaign } from './create-campaign';

const NOW = Date.UTC(2026, 11, 2, 9, 0, 0);

function setup() {
  const created: NewCampaign[] = [];
  const campaigns = {
    create: jest.fn((c: NewCampaign) => {
      created.push(c);
      return Promise.resolve({ created: { id: 'K1' } });
    }),
  } as unknown as CampaignsRepository;
  return { sut: new CreateCampaign(new ManualClock(NOW), campaigns), created };
}

describe('CreateCampaign', () => {
  it('creates a campaign ending after now, created now by who asked, over the scope given', async () => {
    const { sut, created } = setup();
    const until = new Date(NOW + 1);
    await expect(sut.execute({ name: 'Lanes', until, createdBy: 'Zhang', scope: { substationId: 'S1' } })).resolves.toEqual({
      created: { id: 'K1' },
    });
    expect(created).toEqual([{ name: 'Lanes', until, createdBy: 'Zhang', createdAt: NOW, scope: { substationId: 'S1' } }]);
  });

  it('refuses a campaign that would already be over, writing nothing', async () => {
    const { sut, created } = setup();
    await expect(
      sut.execute({ name: 'Lanes', until: new Date(NOW), createdBy: 'Zhang', scope: { enterpriseIds: ['E1'] } }),
    ).resolves.toEqual({ refused: 'until-in-past' });
    expect(created).toEqual([]);
  });
});
