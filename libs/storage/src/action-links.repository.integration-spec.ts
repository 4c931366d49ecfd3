import { STORAGE_BACKENDS, type TestDatabase } from '@app/testing/storage-backends';
import { ActionLinksRepository } from './action-links.repository';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const use = { linkId: 'L1', incidentId: 'I1', action: 'acknowledge', contactId: 'C1' };

describe.each(STORAGE_BACKENDS)('ActionLinksRepository on $name', (backend) => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await backend.open();
  });

  afterEach(() => db.dispose());

  it('makes one signing key for the database: every process (repository) asking, even at once, gets the same', async () => {
    const keys = await Promise.all([1, 2, 3].map(() => new ActionLinksRepository(db.sql).signingKey()));
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^[\w-]{43}$/);
    expect(await new ActionLinksRepository(db.sql).signingKey()).toBe(keys[0]);
  });

  it('lets a link be used once; a second use (a replay, a second tap) is refused, also when both come at once', async () => {
    const sut = new ActionLinksRepository(db.sql);
    const tries = await Promise.all([sut.markUsed(use, T0), sut.markUsed(use, T0), new ActionLinksRepository(db.sql).markUsed(use, T0)]);
    expect(tries.filter(Boolean)).toHaveLength(1);
    expect(await sut.wasUsed('L1')).toBe(true);
    expect(await sut.markUsed({ ...use, linkId: 'L2' }, T0)).toBe(true);
  });

  it('gives a link back when its action was refused, so it works once the action can succeed', async () => {
    const sut = new ActionLinksRepository(db.sql);
    expect(await sut.markUsed(use, T0)).toBe(true);
    await sut.release('L1');
    expect(await sut.wasUsed('L1')).toBe(false);
    expect(await sut.markUsed(use, T0 + 1000)).toBe(true);
  });
});
