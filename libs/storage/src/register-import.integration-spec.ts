import { registerInputFromJson } from '@app/domain';
import { STORAGE_BACKENDS, type TestDatabase } from '@app/testing/storage-backends';
import { importRegister } from './register-import';
import { ZoneRepository } from './zone.repository';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);

function register(enterprises: number) {
  return {
    substations: [
      {
        id: 'S1',
        name: 'North',
        location: { lat: 30.5, lon: 120.5 },
        area: { minLat: 30, minLon: 120, maxLat: 31, maxLon: 121 },
        capacity: 3,
      },
    ],
    enterprises: Array.from({ length: enterprises }, (_, i) => ({
      id: `E${i}`,
      name: `Enterprise ${i}`,
      industry: 'textiles',
      address: `${i} Canal Road`,
      location: { lat: 30.4, lon: 120.4 },
      substationId: 'S1',
      hazards: { threeInOne: i === 0, noSprinklers: i === 0 },
      profile: { floors: 3, areaM2: 1200.5, occupants: 40 },
      indicators: { fire_extinguishers: 12, safety_officer_certified: true, dust_explosion_risk: 'low' },
    })),
    devices: Array.from({ length: enterprises }, (_, i) => ({
      id: `D${i}`,
      enterpriseId: `E${i}`,
      type: 'smoke_detector',
      reportIntervalS: 30,
    })),
    contacts: [
      { id: 'C1', name: 'Wang Li', role: 'duty', substationId: 'S1', phone: '+86 571 0000' },
      { id: 'C2', name: 'Zhao Min', role: 'responsible', enterpriseId: 'E0', email: 'zhao@example.cn' },
    ],
  };
}

const input = (body: unknown) => registerInputFromJson(body).input;

describe.each(STORAGE_BACKENDS)('importRegister on $name', (backend) => {
  let db: TestDatabase;
  let zone: ZoneRepository;

  beforeAll(async () => {
    db = await backend.open();
    zone = new ZoneRepository(db.sql);
  });

  afterAll(() => db.dispose());

  it('a dry run reports what it would create and writes nothing', async () => {
    const result = await importRegister(zone, input(register(3)), { dryRun: true, at: T0 });
    expect(result).toMatchObject({ applied: false, errors: [], created: { substations: 1, enterprises: 3, devices: 3, contacts: 2 } });
    expect(await zone.listSubstations()).toEqual([]);
  });

  it('creates the register, every new enterprise with its standing-hazard grade, and reads it back as imported', async () => {
    const result = await importRegister(zone, input(register(3)), { dryRun: false, at: T0 });
    expect(result.applied).toBe(true);
    expect(result.createdIds.enterprises).toEqual(['E0', 'E1', 'E2']);
    const stored = await zone.loadRegister();
    expect(stored.enterprises[0]).toEqual({
      id: 'E0',
      name: 'Enterprise 0',
      industry: 'textiles',
      address: '0 Canal Road',
      location: { lat: 30.4, lon: 120.4 },
      substationId: 'S1',
      status: 'active',
      hazards: {
        threeInOne: true,
        multiTenant: false,
        tenants: 0,
        unauthorisedStructures: false,
        fireLaneBlocked: false,
        noSprinklers: true,
      },
      profile: { floors: 3, areaM2: 1200.5, occupants: 40 },
      indicators: { fire_extinguishers: 12, safety_officer_certified: true, dust_explosion_risk: 'low' },
    });
    expect(stored.contacts.map((c) => [c.id, c.enterpriseId, c.substationId, c.status])).toEqual([
      ['C1', null, 'S1', 'active'],
      ['C2', 'E0', null, 'active'],
    ]);
    const graded = await zone.listEnterprises();
    expect(graded.every((e) => e.grade !== null && e.gradeAt?.getTime() === T0)).toBe(true);
    expect(graded[0].grade).not.toBe(graded[1].grade);
  });

  it('importing what is stored changes nothing; a changed row is updated and keeps its grade', async () => {
    const again = await importRegister(zone, input(await zone.loadRegister()), { dryRun: false, at: T0 + 1000 });
    expect(again).toMatchObject({ created: { enterprises: 0 }, updated: { enterprises: 0 }, unchanged: { enterprises: 3, devices: 3 } });
    const changed = register(3);
    changed.enterprises[1].name = 'Renamed';
    const result = await importRegister(zone, input(changed), { dryRun: false, at: T0 + 2000 });
    expect(result).toMatchObject({
      applied: true,
      updated: { enterprises: 1 },
      unchanged: { enterprises: 2 },
      updatedIds: { enterprises: ['E1'] },
    });
    await expect(zone.getEnterprise('E1')).resolves.toMatchObject({ name: 'Renamed', gradeAt: new Date(T0) });
  });

  it('retires a contact, keeps it retired through an import of the export, and refuses a status the column does not allow', async () => {
    const retire = register(3);
    const contacts = [{ ...retire.contacts[0], status: 'retired' }];
    const result = await importRegister(zone, input({ contacts }), { dryRun: false, at: T0 + 3000 });
    expect(result).toMatchObject({ applied: true, updated: { contacts: 1 }, updatedIds: { contacts: ['C1'] } });
    const stored = await zone.loadRegister();
    expect(stored.contacts.map((c) => c.status)).toEqual(['retired', 'active']);
    const again = await importRegister(zone, input(stored), { dryRun: false, at: T0 + 4000 });
    expect(again).toMatchObject({ updated: { contacts: 0 }, unchanged: { contacts: 2 } });
    await expect(db.sql.query(`UPDATE contacts SET status = 'gone' WHERE id = 'C2'`)).rejects.toThrow(/contacts_status_check/);
  });

  it('with one bad row applies nothing of the rest', async () => {
    const body = register(5);
    body.devices[4].type = 'toaster';
    const result = await importRegister(zone, input(body), { dryRun: false, at: T0 });
    expect(result.applied).toBe(false);
    expect(result.errors).toEqual([expect.objectContaining({ kind: 'devices', row: 5, id: 'D4', field: 'type' })]);
    expect((await zone.loadRegister()).enterprises).toHaveLength(3);
  });

  it('a failing write rolls the whole import back', async () => {
    const body = register(6);
    // Valid to the plan, refused by the database: one transaction, so the new enterprises go too.
    const failing = new ZoneRepository({
      ...db.sql,
      kind: db.sql.kind,
      timescale: db.sql.timescale,
      query: db.sql.query.bind(db.sql),
      transaction: (fn) =>
        db.sql.transaction((tx) =>
          fn({
            query: (sql, params) => (sql.includes('INSERT INTO devices') ? Promise.reject(new Error('disk full')) : tx.query(sql, params)),
          }),
        ),
    });
    await expect(importRegister(failing, input(body), { dryRun: false, at: T0 })).rejects.toThrow('disk full');
    expect((await zone.loadRegister()).enterprises).toHaveLength(3);
  });

  it('into an empty zone only: a second first start writes nothing', async () => {
    const result = await importRegister(zone, input(register(6)), { dryRun: false, at: T0, onlyIfEmpty: true });
    expect(result.applied).toBe(false);
    expect((await zone.loadRegister()).enterprises).toHaveLength(3);
  });
});
