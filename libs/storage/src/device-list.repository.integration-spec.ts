import { gradeEnterprise } from '@app/domain';
import { STORAGE_BACKENDS, type TestDatabase } from '@app/testing/storage-backends';
import { DeviceListRepository } from './device-list.repository';
import { ZoneRepository } from './zone.repository';
import type { ZoneSeedInput } from './zone-seed-input';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const HAZARDS = {
  threeInOne: false,
  multiTenant: false,
  tenants: 1,
  unauthorisedStructures: false,
  fireLaneBlocked: false,
  noSprinklers: false,
};

/** Three enterprises of four devices each: d-0 smoke, d-1 gas, d-2 smoke, d-3 hydrant detector. */
function zone(): ZoneSeedInput {
  const enterprises = ['e-1', 'e-2', 'e-3'].map((id) => ({
    id,
    name: id,
    industry: 'textiles',
    location: { lat: 30, lon: 120 },
    substationId: 's-1',
    hazards: HAZARDS,
  }));
  const types = ['smoke_detector', 'gas_detector', 'smoke_detector', 'hydrant_monitor'] as const;
  return {
    substations: [
      { id: 's-1', name: 'S1', location: { lat: 30, lon: 120 }, area: { minLat: 29, minLon: 119, maxLat: 31, maxLon: 121 }, capacity: 2 },
    ],
    enterprises,
    devices: enterprises.flatMap((e) => types.map((type, i) => ({ id: `${e.id}-d-${i}`, enterpriseId: e.id, type, reportIntervalS: 10 }))),
  };
}

describe.each(STORAGE_BACKENDS)('DeviceListRepository on $name', (backend) => {
  let db: TestDatabase;
  let sut: DeviceListRepository;
  const ids = async (q: Partial<Parameters<DeviceListRepository['list']>[0]>) =>
    (await sut.list({ limit: 100, offset: 0, ...q })).items.map((d) => d.id);

  beforeAll(async () => {
    db = await backend.open();
    const register = new ZoneRepository(db.sql);
    await register.seedIfEmpty(zone(), gradeEnterprise, T0);
    await register.setDeviceSeen([
      { deviceId: 'e-1-d-0', at: T0 + 1000, online: true },
      { deviceId: 'e-2-d-0', at: T0 + 2000, online: true },
      { deviceId: 'e-2-d-1', at: T0 + 3000, online: false },
    ]);
    await db.sql.query(`UPDATE devices SET status = 'retired' WHERE id = 'e-1-d-3'`);
    await db.sql.query(`UPDATE enterprises SET status = 'retired' WHERE id = 'e-3'`);
    sut = new DeviceListRepository(db.sql);
  });

  afterAll(() => db.dispose());

  it('lists every device in id order with its presence, never-reported ones offline', async () => {
    const page = await sut.list({ limit: 100, offset: 0 });
    expect(page.total).toBe(12);
    expect(page.items.map((d) => d.id)).toEqual([...page.items.map((d) => d.id)].sort());
    expect(page.items[0]).toEqual({
      id: 'e-1-d-0',
      enterpriseId: 'e-1',
      type: 'smoke_detector',
      reportIntervalS: 10,
      status: 'active',
      online: true,
      lastSeenAt: new Date(T0 + 1000),
    });
    expect(page.items.find((d) => d.id === 'e-1-d-1')).toMatchObject({ online: false, lastSeenAt: null });
    expect(page.items.find((d) => d.id === 'e-2-d-1')).toMatchObject({ online: false, lastSeenAt: new Date(T0 + 3000) });
  });

  it('filters by enterprise, type, status and presence, together', async () => {
    expect(await ids({ enterpriseId: 'e-2' })).toEqual(['e-2-d-0', 'e-2-d-1', 'e-2-d-2', 'e-2-d-3']);
    expect(await ids({ type: 'smoke_detector' })).toEqual(['e-1-d-0', 'e-1-d-2', 'e-2-d-0', 'e-2-d-2', 'e-3-d-0', 'e-3-d-2']);
    // A device of a retired enterprise is retired with it.
    expect(await ids({ status: 'retired' })).toEqual(['e-1-d-3', 'e-3-d-0', 'e-3-d-1', 'e-3-d-2', 'e-3-d-3']);
    expect(await ids({ status: 'active', enterpriseId: 'e-1' })).toEqual(['e-1-d-0', 'e-1-d-1', 'e-1-d-2']);
    expect(await ids({ online: true })).toEqual(['e-1-d-0', 'e-2-d-0']);
    expect(await ids({ online: false, enterpriseId: 'e-2' })).toEqual(['e-2-d-1', 'e-2-d-2', 'e-2-d-3']);
    expect(await ids({ type: 'smoke_detector', online: true, status: 'active', enterpriseId: 'e-2' })).toEqual(['e-2-d-0']);
    expect(await sut.list({ type: 'gas_detector', enterpriseId: 'nobody', limit: 100, offset: 0 })).toEqual({ total: 0, items: [] });
  });

  it('finds devices by id prefix, whatever the case, with the other filters', async () => {
    expect(await ids({ idPrefix: 'e-2-d-' })).toEqual(['e-2-d-0', 'e-2-d-1', 'e-2-d-2', 'e-2-d-3']);
    expect(await ids({ idPrefix: 'E-2-D-1' })).toEqual(['e-2-d-1']);
    expect(await ids({ idPrefix: 'e-', type: 'hydrant_monitor', status: 'active' })).toEqual(['e-2-d-3']);
    // A prefix is no pattern: LIKE's wildcards match only themselves.
    expect(await ids({ idPrefix: 'e_' })).toEqual([]);
    expect(await ids({ idPrefix: '%' })).toEqual([]);
    expect((await sut.list({ idPrefix: 'e-1', limit: 2, offset: 0 })).total).toBe(4);
  });

  it('pages by limit and offset or after an id; the total counts every match', async () => {
    const first = await sut.list({ type: 'smoke_detector', limit: 4, offset: 0 });
    expect(first.total).toBe(6);
    expect(first.items.map((d) => d.id)).toEqual(['e-1-d-0', 'e-1-d-2', 'e-2-d-0', 'e-2-d-2']);
    const byOffset = await sut.list({ type: 'smoke_detector', limit: 4, offset: 4 });
    const byCursor = await sut.list({ type: 'smoke_detector', limit: 4, offset: 0, afterId: 'e-2-d-2' });
    expect(byOffset).toEqual(byCursor);
    expect(byCursor).toEqual({ total: 6, items: [expect.objectContaining({ id: 'e-3-d-0' }), expect.objectContaining({ id: 'e-3-d-2' })] });
    expect(await ids({ afterId: 'e-3-d-1', offset: 1 })).toEqual(['e-3-d-3']);
  });
});
