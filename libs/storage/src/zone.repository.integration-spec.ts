import { gradeEnterprise } from '@app/domain';
import { DEVICE_TYPE_NAMES, DEVICE_TYPES } from '@app/contracts';
import { STORAGE_BACKENDS, type TestDatabase } from '@app/testing/storage-backends';
import { ZoneRepository } from './zone.repository';
import type { ZoneSeedInput } from './zone-seed-input';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const HAZARDS = {
  threeInOne: false,
  multiTenant: true,
  tenants: 4,
  unauthorisedStructures: false,
  fireLaneBlocked: false,
  noSprinklers: true,
};

/** A zone of the real one's size: 8 substations, 2,300 enterprises, 59,800 devices. */
function syntheticZone(): ZoneSeedInput {
  const substations = Array.from({ length: 8 }, (_, i) => ({
    id: `s-${i}`,
    name: `Substation ${i}`,
    location: { lat: 30 + i * 0.01, lon: 120 },
    area: { minLat: 30 + i * 0.01, minLon: 119.9, maxLat: 30.01 + i * 0.01, maxLon: 120.1 },
    capacity: 2,
  }));
  const enterprises = Array.from({ length: 2300 }, (_, i) => ({
    id: `e-${i}`,
    name: `Enterprise "${i}" {O'Brien}, Ltd.`,
    industry: 'textiles',
    location: { lat: 30.005 + (i % 8) * 0.01, lon: 120 },
    substationId: `s-${i % 8}`,
    hazards: { ...HAZARDS, tenants: i % 9 },
  }));
  const devices = enterprises.flatMap((e, i) =>
    Array.from({ length: 26 }, (_, j) => {
      const type = DEVICE_TYPE_NAMES[(i + j) % DEVICE_TYPE_NAMES.length];
      return { id: `${e.id}-d-${j}`, enterpriseId: e.id, type, reportIntervalS: DEVICE_TYPES[type].reportIntervalS };
    }),
  );
  return { substations, enterprises, devices };
}

describe.each(STORAGE_BACKENDS)('ZoneRepository on $name', (backend) => {
  let db: TestDatabase;
  let sut: ZoneRepository;
  const zone = syntheticZone();

  beforeAll(async () => {
    db = await backend.open();
    sut = new ZoneRepository(db.sql);
  });

  afterAll(() => db.dispose());

  it('seeds a zone-sized data set in a few seconds, once', async () => {
    const t = performance.now();
    await expect(sut.seedIfEmpty(zone, gradeEnterprise, T0)).resolves.toBe(true);
    const ms = performance.now() - t;

    console.info(`${backend.name}: seeded 2300 enterprises and ${zone.devices.length} devices in ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(10_000);
    await expect(sut.seedIfEmpty(zone, gradeEnterprise, T0)).resolves.toBe(false);
    expect(await sut.listEnterprises()).toHaveLength(2300);
    expect(await sut.listDevices()).toHaveLength(59_800);
  });

  it('reads the zone back as camelCase objects', async () => {
    const substations = await sut.listSubstations();
    expect(substations).toHaveLength(8);
    expect(substations[0]).toEqual({
      id: 's-0',
      name: 'Substation 0',
      location: { lat: 30, lon: 120 },
      area: { minLat: 30, minLon: 119.9, maxLat: 30.01, maxLon: 120.1 },
      capacity: 2,
      available: true,
    });
    await expect(sut.getEnterprise('e-9')).resolves.toEqual({
      id: 'e-9',
      name: `Enterprise "9" {O'Brien}, Ltd.`,
      industry: 'textiles',
      location: { lat: 30.015, lon: 120 },
      substationId: 's-1',
      hazards: { ...HAZARDS, tenants: 0 },
      // Seeded with the grade of its standing hazards (no sprinklers; a let factory of 0 tenants does not count).
      grade: 'blue',
      gradeReasons: ['no sprinklers'],
      gradeAt: new Date(T0),
    });
    await expect(sut.getEnterprise('e-4')).resolves.toMatchObject({ grade: 'yellow', gradeReasons: ['let to 4 tenants', 'no sprinklers'] });
    expect((await sut.listEnterprises()).filter((e) => e.grade === null)).toEqual([]);
    await expect(sut.getEnterprise('missing')).resolves.toBeNull();
    const devices = await sut.devicesOfEnterprise('e-9');
    expect(devices).toHaveLength(26);
    await expect(sut.getDevice('e-9-d-0')).resolves.toEqual({
      id: 'e-9-d-0',
      enterpriseId: 'e-9',
      type: DEVICE_TYPE_NAMES[9 % DEVICE_TYPE_NAMES.length],
      reportIntervalS: DEVICE_TYPES[DEVICE_TYPE_NAMES[9 % DEVICE_TYPE_NAMES.length]].reportIntervalS,
      lastSeenAt: null,
      online: null,
    });
  });

  it("gives an enterprise's register fields and its contacts, not a substation's", async () => {
    const [e7] = (await sut.loadRegister()).enterprises.filter((e) => e.id === 'e-7');
    const profile = { floors: 3, areaM2: 1250.5, occupants: 40 };
    await sut.applyRegister(
      {
        substations: [],
        enterprises: [{ ...e7, address: '7 Loom Road', profile, indicators: { fire_extinguishers: 12 } }],
        devices: [],
        contacts: [
          {
            id: 'c-2',
            name: 'Wu Fang',
            phone: '+86 571 0002',
            email: '',
            role: 'duty',
            enterpriseId: 'e-7',
            substationId: null,
            status: 'active',
          },
          {
            id: 'c-1',
            name: 'Li <Ming>',
            phone: '+86 571 0001',
            email: 'li@e7.test',
            role: 'responsible',
            enterpriseId: 'e-7',
            substationId: null,
            status: 'active',
          },
          { id: 'c-3', name: 'Chief', phone: '', email: '', role: 'manager', enterpriseId: null, substationId: 's-7', status: 'active' },
        ],
      },
      gradeEnterprise,
      T0,
    );
    await expect(sut.getEnterpriseDetail('e-7')).resolves.toEqual({
      ...(await sut.getEnterprise('e-7')),
      address: '7 Loom Road',
      status: 'active',
      profile,
      indicators: { fire_extinguishers: 12 },
    });
    await expect(sut.getEnterpriseDetail('e-8')).resolves.toMatchObject({
      address: '',
      profile: { floors: null, areaM2: null, occupants: null },
      indicators: {},
    });
    await expect(sut.getEnterpriseDetail('missing')).resolves.toBeNull();
    await expect(sut.contactsOfEnterprise('e-7')).resolves.toEqual([
      { id: 'c-1', name: 'Li <Ming>', phone: '+86 571 0001', email: 'li@e7.test', role: 'responsible' },
      { id: 'c-2', name: 'Wu Fang', phone: '+86 571 0002', email: '', role: 'duty' },
    ]);
    await expect(sut.contactsOfEnterprise('e-8')).resolves.toEqual([]);
  });

  it('records grades and substation availability', async () => {
    await expect(sut.updateEnterpriseGrade('e-1', 'orange', ['gas 30 %LEL', 'three-in-one'], T0)).resolves.toBe(true);
    await expect(sut.updateEnterpriseGrade('missing', 'red', [], T0)).resolves.toBe(false);
    await expect(sut.getEnterprise('e-1')).resolves.toMatchObject({
      grade: 'orange',
      gradeReasons: ['gas 30 %LEL', 'three-in-one'],
      gradeAt: new Date(T0),
    });
    await expect(sut.setSubstationAvailable('s-3', false)).resolves.toBe(true);
    expect((await sut.listSubstations()).find((s) => s.id === 's-3')?.available).toBe(false);
  });

  it('records presence in batches, keeping the latest of each device', async () => {
    const updated = await sut.setDeviceSeen([
      { deviceId: 'e-1-d-0', at: T0 + 2000, online: true },
      { deviceId: 'e-1-d-0', at: T0 + 1000, online: false },
      { deviceId: 'e-1-d-1', at: new Date(T0), online: false },
      { deviceId: 'unknown', at: T0, online: true },
    ]);
    expect(updated).toBe(2);
    await expect(sut.setDeviceSeen([{ deviceId: 'e-1-d-0', at: T0, online: false }])).resolves.toBe(0);

    await expect(sut.getDevice('e-1-d-0')).resolves.toMatchObject({ lastSeenAt: new Date(T0 + 2000), online: true });
    await expect(sut.getDevice('e-1-d-1')).resolves.toMatchObject({ lastSeenAt: new Date(T0), online: false });
  });
});
