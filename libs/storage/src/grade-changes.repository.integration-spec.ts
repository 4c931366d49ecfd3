import { GradeChangesRepository } from './grade-changes.repository';
import { STORAGE_BACKENDS, type TestDatabase } from '@app/testing/storage-backends';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);

describe.each(STORAGE_BACKENDS)('GradeChangesRepository on $name', (backend) => {
  let db: TestDatabase;
  let sut: GradeChangesRepository;

  beforeAll(async () => {
    db = await backend.open();
    sut = new GradeChangesRepository(db.sql);
  });

  afterAll(() => db.dispose());

  it('keeps the history of an enterprise, newest first', async () => {
    await sut.insert({ at: T0, enterpriseId: 'e-1', from: null, to: 'yellow', reasons: ['three-in-one'], correlationId: 'c-1' });
    await sut.insert({
      at: new Date(T0 + 1000),
      enterpriseId: 'e-1',
      from: 'yellow',
      to: 'red',
      reasons: ['smoke', 'three-in-one'],
      correlationId: 'c-2',
    });
    await sut.insert({ at: T0 + 500, enterpriseId: 'e-2', from: null, to: 'blue', reasons: [], correlationId: 'c-3' });

    await expect(sut.listForEnterprise('e-1', 10)).resolves.toEqual([
      { at: new Date(T0 + 1000), enterpriseId: 'e-1', from: 'yellow', to: 'red', reasons: ['smoke', 'three-in-one'], correlationId: 'c-2' },
      { at: new Date(T0), enterpriseId: 'e-1', from: null, to: 'yellow', reasons: ['three-in-one'], correlationId: 'c-1' },
    ]);
    expect(await sut.listForEnterprise('e-1', 1)).toHaveLength(1);
  });
});
