import { RegisterWriteErrorCode, type RegisterRows } from '@app/domain';
import { STORAGE_BACKENDS, type TestDatabase } from '@app/testing/storage-backends';
import { importRegister } from './register-import';
import { writeRegisterRow } from './register-write';
import { ZoneRepository } from './zone.repository';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);

const substation = {
  id: 'S1',
  name: 'North',
  location: { lat: 30.5, lon: 120.5 },
  area: { minLat: 30, minLon: 120, maxLat: 31, maxLon: 121 },
  capacity: 3,
};
const enterprise = { id: 'E1', name: 'Acme', industry: 'textiles', location: { lat: 30.4, lon: 120.4 }, substationId: 'S1' };

/** Every reader of the register waits until `readers` have read it: each then plans on what none of the others wrote. */
class ReadTogether extends ZoneRepository {
  private waiting: (() => void)[] = [];

  constructor(
    sql: TestDatabase['sql'],
    private readonly readers: number,
  ) {
    super(sql);
  }

  override async loadRegister(): Promise<RegisterRows> {
    const stored = await super.loadRegister();
    await new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      if (this.waiting.length === this.readers) this.waiting.splice(0).forEach((r) => r());
    });
    return stored;
  }
}

describe.each(STORAGE_BACKENDS)('writeRegisterRow on $name', (backend) => {
  let db: TestDatabase;
  let zone: ZoneRepository;

  beforeAll(async () => {
    db = await backend.open();
    zone = new ZoneRepository(db.sql);
    const { applied } = await importRegister(
      zone,
      { substations: [{ row: 1, value: substation }], enterprises: [{ row: 1, value: enterprise }] },
      { dryRun: false, at: T0 },
    );
    expect(applied).toBe(true);
  });

  afterAll(() => db.dispose());

  it.each([
    ['contacts', (n: number) => ({ id: 'C-race', name: `Contact ${n}`, role: 'duty', substationId: 'S1' }), 'name'],
    ['devices', (n: number) => ({ id: 'D-race', enterpriseId: 'E1', type: 'smoke_detector', reportIntervalS: 10 + n }), 'reportIntervalS'],
    ['enterprises', (n: number) => ({ ...enterprise, id: 'E-race', name: `Enterprise ${n}` }), 'name'],
    ['substations', (n: number) => ({ ...substation, id: 'S-race', name: `Substation ${n}` }), 'name'],
  ] as const)('of two creations of one %s id at once, exactly one writes and the other is refused', async (kind, body, field) => {
    const racing = new ReadTogether(db.sql, 2);
    const plans = await Promise.all([1, 2].map((n) => writeRegisterRow(racing, { kind, mode: 'create', body: body(n) }, { at: T0 })));

    const won = plans.filter((p) => p.ok);
    expect(won).toHaveLength(1);
    expect(plans.filter((p) => !p.ok)).toEqual([expect.objectContaining({ ok: false, code: RegisterWriteErrorCode.AlreadyExists })]);
    const stored = (await zone.loadRegister())[kind].find((r) => r.id === body(1).id) as unknown as Record<string, unknown>;
    expect(stored[field]).toEqual((won[0].ok && (won[0].after as unknown as Record<string, unknown>))[field]);
  });

  it('an insert-only write of an id stored since writes nothing, not even the new rows beside it', async () => {
    const { contacts } = await zone.loadRegister();
    const before = contacts.find((c) => c.id === 'C-race')!;
    const fresh = { ...before, id: 'C-new' };
    const created = await zone.createRegisterRows(
      { substations: [], enterprises: [], devices: [], contacts: [fresh, { ...before, name: 'Overwritten' }] },
      () => ({ grade: 'blue', reasons: [] }),
      T0,
    );
    expect(created).toBe(false);
    const after = (await zone.loadRegister()).contacts;
    expect(after.find((c) => c.id === 'C-race')).toEqual(before);
    expect(after.map((c) => c.id)).toEqual(contacts.map((c) => c.id));
  });
});
