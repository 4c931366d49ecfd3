import { randomUUID } from 'node:crypto';
import { OFFLINE_RULE_ID, gradeEnterprise } from '@app/domain';
import { AlarmsRepository, type RaiseAlarmInput } from './alarms.repository';
import { DevicePresenceRepository, type SilentDevice } from './device-presence.repository';
import type { SqlClient } from './sql-client';
import { secondClient, STORAGE_BACKENDS, type TestDatabase } from '@app/testing/storage-backends';
import { ZoneRepository } from './zone.repository';
import type { ZoneSeedInput } from './zone-seed-input';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const S = 1000;
const INTERVAL_S = 10;
const RULE = OFFLINE_RULE_ID;
const HAZARDS = {
  threeInOne: false,
  multiTenant: false,
  tenants: 1,
  unauthorisedStructures: false,
  fireLaneBlocked: false,
  noSprinklers: false,
};

function zone(devicesPerEnterprise: number): ZoneSeedInput {
  const enterprises = ['e-1', 'e-2'].map((id) => ({
    id,
    name: id,
    industry: 'textiles',
    location: { lat: 30, lon: 120 },
    substationId: 's-1',
    hazards: HAZARDS,
  }));
  return {
    substations: [
      { id: 's-1', name: 'S1', location: { lat: 30, lon: 120 }, area: { minLat: 29, minLon: 119, maxLat: 31, maxLon: 121 }, capacity: 2 },
    ],
    enterprises,
    devices: enterprises.flatMap((e) =>
      Array.from({ length: devicesPerEnterprise }, (_, i) => ({
        id: `${e.id}-d-${i}`,
        enterpriseId: e.id,
        type: 'gas_detector' as const,
        reportIntervalS: INTERVAL_S,
      })),
    ),
  };
}

function alarmFor(now: number) {
  return (d: SilentDevice): RaiseAlarmInput => ({
    id: randomUUID(),
    deviceId: d.id,
    enterpriseId: d.enterpriseId,
    ruleId: RULE,
    signalClass: 'fault',
    metric: 'offline',
    grade: 'blue',
    value: null,
    message: `${d.id} silent since ${d.lastSeenAt.toISOString()}`,
    at: now,
    correlationId: `c-${d.id}`,
  });
}

describe.each(STORAGE_BACKENDS)('DevicePresenceRepository on $name', (backend) => {
  let db: TestDatabase;
  let other: SqlClient;
  let sut: DevicePresenceRepository;
  let zoneRepo: ZoneRepository;
  let alarms: AlarmsRepository;

  const reset = async (devicesPerEnterprise: number) => {
    await db.sql.exec('TRUNCATE alarms, devices, enterprises, substations CASCADE');
    await zoneRepo.seedIfEmpty(zone(devicesPerEnterprise), gradeEnterprise, T0);
  };
  const sweepAll = async (repo: DevicePresenceRepository, now: number, limit: number) => {
    const flagged: string[] = [];
    for (;;) {
      const batch = await repo.markSilentDevicesOffline(now, T0, limit, alarmFor(now));
      flagged.push(...batch.map((b) => b.device.id));
      if (batch.length < limit) return flagged;
    }
  };

  beforeAll(async () => {
    db = await backend.open();
    other = await secondClient(db);
    sut = new DevicePresenceRepository(db.sql);
    zoneRepo = new ZoneRepository(db.sql);
    alarms = new AlarmsRepository(db.sql);
  });

  afterAll(async () => {
    if (other !== db.sql) await other.close();
    await db.dispose();
  });

  it('flags a device silent for more than 3 intervals once, with an open alarm, and never one that has not reported', async () => {
    await reset(3);
    await zoneRepo.setDeviceSeen([
      { deviceId: 'e-1-d-0', at: T0, online: true },
      { deviceId: 'e-1-d-1', at: T0 + 5 * S, online: true },
    ]);

    await expect(sut.markSilentDevicesOffline(T0 + 3 * INTERVAL_S * S, T0, 100, alarmFor(T0))).resolves.toEqual([]);
    const now = T0 + 3 * INTERVAL_S * S + 1;
    const flagged = await sut.markSilentDevicesOffline(now, T0, 100, alarmFor(now));
    expect(flagged).toEqual([
      {
        device: { id: 'e-1-d-0', enterpriseId: 'e-1', lastSeenAt: new Date(T0), reportIntervalS: INTERVAL_S },
        alarm: expect.objectContaining({
          deviceId: 'e-1-d-0',
          enterpriseId: 'e-1',
          ruleId: RULE,
          metric: 'offline',
          grade: 'blue',
          status: 'open',
          raisedAt: new Date(now),
          correlationId: 'c-e-1-d-0',
        }),
        created: true,
      },
    ]);
    await expect(sut.markSilentDevicesOffline(now + 60 * S, T0, 100, alarmFor(now + 60 * S))).resolves.toEqual([
      expect.objectContaining({ device: expect.objectContaining({ id: 'e-1-d-1' }) }),
    ]);
    await expect(sut.markSilentDevicesOffline(now + 3_600 * S, T0, 100, alarmFor(now))).resolves.toEqual([]);
    await expect(zoneRepo.getDevice('e-1-d-0')).resolves.toMatchObject({ online: false, lastSeenAt: new Date(T0) });
    await expect(zoneRepo.getDevice('e-1-d-2')).resolves.toMatchObject({ online: null, lastSeenAt: null });
    expect((await alarms.openAll()).map((a) => a.deviceId)).toEqual(['e-1-d-0', 'e-1-d-1']);
  });

  it('counts silence from when the caller began listening, not from before', async () => {
    await reset(1);
    await zoneRepo.setDeviceSeen([{ deviceId: 'e-1-d-0', at: T0, online: true }]);
    const listeningSince = T0 + 3_600 * S;
    const now = listeningSince + 3 * INTERVAL_S * S;
    await expect(sut.markSilentDevicesOffline(now, listeningSince, 100, alarmFor(now))).resolves.toEqual([]);
    await expect(sut.markSilentDevicesOffline(now + 1, listeningSince, 100, alarmFor(now + 1))).resolves.toHaveLength(1);
  });

  it('clears the finding once when the device reports again, and ignores reports older than the last one', async () => {
    await reset(2);
    await zoneRepo.setDeviceSeen([
      { deviceId: 'e-1-d-0', at: T0, online: true },
      { deviceId: 'e-1-d-1', at: T0, online: true },
    ]);
    const now = T0 + 60 * S;
    const [{ alarm }] = await sut.markSilentDevicesOffline(now, T0, 1, alarmFor(now));
    expect(alarm.deviceId).toBe('e-1-d-0');

    await expect(sut.markReported([{ deviceId: 'e-1-d-0', at: T0 - S }], RULE)).resolves.toEqual([]);
    await expect(zoneRepo.getDevice('e-1-d-0')).resolves.toMatchObject({ online: false });

    const cleared = await sut.markReported(
      [
        { deviceId: 'e-1-d-0', at: now + 2 * S },
        { deviceId: 'e-1-d-0', at: now + S },
        { deviceId: 'e-1-d-1', at: now + S },
        { deviceId: 'unknown', at: now },
      ],
      RULE,
    );
    expect(cleared).toEqual([expect.objectContaining({ id: alarm.id, status: 'cleared', clearedAt: new Date(now + 2 * S) })]);
    await expect(zoneRepo.getDevice('e-1-d-0')).resolves.toMatchObject({ online: true, lastSeenAt: new Date(now + 2 * S) });
    await expect(zoneRepo.getDevice('e-1-d-1')).resolves.toMatchObject({ online: true, lastSeenAt: new Date(now + S) });
    await expect(sut.markReported([{ deviceId: 'e-1-d-0', at: now + 3 * S }], RULE)).resolves.toEqual([]);
    await expect(alarms.openAll()).resolves.toEqual([]);
  });

  it('flags each silent device exactly once when sweeps of two processes race', async () => {
    await reset(150);
    const ids = zone(150).devices.map((d) => d.id);
    await zoneRepo.setDeviceSeen(ids.map((deviceId) => ({ deviceId, at: T0, online: true })));
    const now = T0 + 60 * S;

    const [a, b] = await Promise.all([sweepAll(sut, now, 40), sweepAll(new DevicePresenceRepository(other), now, 40)]);

    expect([...a, ...b].sort()).toEqual([...ids].sort());
    const open = await alarms.list({ status: 'open', limit: 1000 });
    expect(open).toHaveLength(ids.length);
    expect(open.every((x) => x.occurrences === 1)).toBe(true);
  });

  it('never leaves a finding open on a device that reported while a sweep flagged it', async () => {
    await reset(40);
    const ids = zone(40).devices.map((d) => d.id);
    await zoneRepo.setDeviceSeen(ids.map((deviceId) => ({ deviceId, at: T0, online: true })));
    const now = T0 + 60 * S;

    await Promise.all([
      sweepAll(new DevicePresenceRepository(other), now, 5),
      ...ids.map((deviceId) => sut.markReported([{ deviceId, at: now }], RULE)),
    ]);

    await expect(alarms.openAll()).resolves.toEqual([]);
    const devices = [...(await zoneRepo.devicesOfEnterprise('e-1')), ...(await zoneRepo.devicesOfEnterprise('e-2'))];
    expect(devices.every((d) => d.online === true)).toBe(true);
  });
});
