import { RegisteredDeviceRow, ZoneRepository } from '@app/storage';
import { ManualClock } from '@app/testing';
import { InProcessBus, ZoneChanges } from '@app/transport';
import { DeviceRegistry } from './device-registry';

describe('DeviceRegistry', () => {
  const bus = new InProcessBus();
  const zoneChanges = new ZoneChanges(bus);
  const clock = new ManualClock(1_000);
  let devices: RegisteredDeviceRow[] = [{ id: 'E1-D1', enterpriseId: 'E1', type: 'smoke_detector', reportIntervalS: 60, status: 'active' }];
  const zone = { listDevices: () => Promise.resolve(devices) } as unknown as ZoneRepository;
  const sut = new DeviceRegistry(zone, zoneChanges, clock);
  afterAll(() => bus.close());

  it('knows a device registered a moment ago as soon as zone.v1 tells of it, without waiting for its own refresh', async () => {
    await sut.onApplicationBootstrap();
    await sut.load(clock.now());
    expect(sut.find('E1-D2')).toBeUndefined();
    devices = [...devices, { id: 'E1-D2', enterpriseId: 'E1', type: 'gas_detector', reportIntervalS: 60, status: 'active' }];
    // Within the 30 s refresh, an unknown id is not looked up again: only the notice brings it in.
    await expect(sut.findOrReload('E1-D2', clock)).resolves.toBeUndefined();
    await zoneChanges.notify({ devices: ['E1-D2'] }, clock.now(), 'c-1');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sut.find('E1-D2')).toEqual({ id: 'E1-D2', enterpriseId: 'E1', type: 'gas_detector', reportIntervalS: 60, status: 'active' });
    expect(sut.size).toBe(2);
  });

  it('knows a device retired, or of an enterprise retired, as soon as zone.v1 tells of it, and tells of each once', async () => {
    const retired: string[] = [];
    const stop = sut.onRetired((id) => retired.push(id));
    devices = devices.map((d) => (d.id === 'E1-D1' ? { ...d, status: 'retired' } : d));
    await zoneChanges.notify({ devices: ['E1-D1'] }, clock.now(), 'c-3');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sut.find('E1-D1')?.status).toBe('retired');
    expect(sut.find('E1-D2')?.status).toBe('active');
    devices = devices.map((d) => ({ ...d, status: 'retired' }));
    await zoneChanges.notify({ enterprises: ['E1'] }, clock.now(), 'c-4');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sut.find('E1-D2')?.status).toBe('retired');
    await zoneChanges.notify({ devices: ['E1-D1'] }, clock.now(), 'c-5');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(retired).toEqual(['E1-D1', 'E1-D2']);
    stop();
  });

  it('ignores a change of other kinds', async () => {
    devices = [];
    await zoneChanges.notify({ substations: ['S1'] }, clock.now(), 'c-2');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sut.size).toBe(2);
  });
});
