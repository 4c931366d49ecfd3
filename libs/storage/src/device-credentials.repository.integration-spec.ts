import { gradeEnterprise } from '@app/domain';
import { DeviceCredentialsRepository } from './device-credentials.repository';
import { hashToken } from './api-tokens.repository';
import { STORAGE_BACKENDS, type TestDatabase } from '@app/testing/storage-backends';
import { ZoneRepository } from './zone.repository';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);

describe.each(STORAGE_BACKENDS)('DeviceCredentialsRepository on $name', (backend) => {
  let db: TestDatabase;
  let sut: DeviceCredentialsRepository;

  beforeAll(async () => {
    db = await backend.open();
    sut = new DeviceCredentialsRepository(db.sql);
    await new ZoneRepository(db.sql).seedIfEmpty(
      {
        substations: [
          {
            id: 's-1',
            name: 'S',
            location: { lat: 30, lon: 120 },
            area: { minLat: 29, minLon: 119, maxLat: 31, maxLon: 121 },
            capacity: 1,
          },
        ],
        enterprises: [
          {
            id: 'e-1',
            name: 'E',
            industry: 'textiles',
            location: { lat: 30, lon: 120 },
            substationId: 's-1',
            hazards: {
              threeInOne: false,
              multiTenant: false,
              tenants: 1,
              unauthorisedStructures: false,
              fireLaneBlocked: false,
              noSprinklers: false,
            },
          },
        ],
        devices: [{ id: 'e-1-d-0', enterpriseId: 'e-1', type: 'smoke_detector', reportIntervalS: 60 }],
      },
      gradeEnterprise,
      T0,
    );
  });

  afterAll(() => db.dispose());

  it('keeps only the hash of a secret, and a second issue replaces the first', async () => {
    await expect(sut.find('e-1-d-0')).resolves.toBeNull();
    await expect(sut.issue('e-1-d-0', 'first-secret', new Date(T0))).resolves.toBe(true);
    await expect(sut.find('e-1-d-0')).resolves.toEqual({
      deviceId: 'e-1-d-0',
      secretHash: hashToken('first-secret'),
      issuedAt: new Date(T0),
    });

    await expect(sut.issue('e-1-d-0', 'second-secret', new Date(T0 + 1000))).resolves.toBe(true);
    await expect(sut.find('e-1-d-0')).resolves.toEqual({
      deviceId: 'e-1-d-0',
      secretHash: hashToken('second-secret'),
      issuedAt: new Date(T0 + 1000),
    });
    const stored = await db.sql.query<{ secret_hash: string }>('SELECT secret_hash FROM device_credentials');
    expect(JSON.stringify(stored)).not.toContain('second-secret');
  });

  it('issues nothing for a device that is not registered', async () => {
    await expect(sut.issue('e-9-d-9', 'secret', new Date(T0))).resolves.toBe(false);
    await expect(sut.find('e-9-d-9')).resolves.toBeNull();
  });

  it('tells listeners of this instance about each issue, until they unsubscribe', async () => {
    const heard: string[] = [];
    const unsubscribe = sut.onIssued((id) => heard.push(id));
    await sut.issue('e-1-d-0', 'third-secret', new Date(T0 + 2000));
    await sut.issue('e-9-d-9', 'secret', new Date(T0 + 2000));
    unsubscribe();
    await sut.issue('e-1-d-0', 'fourth-secret', new Date(T0 + 3000));
    expect(heard).toEqual(['e-1-d-0']);
  });
});
