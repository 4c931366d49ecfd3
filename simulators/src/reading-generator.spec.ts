import { DeviceSeed, generateZone } from '@app/domain';
import { ReadingGenerator } from './reading-generator';

const HOUR = 3_600_000;
const zone = generateZone({ enterprises: 20, seed: 1 });
const deviceOf = (type: DeviceSeed['type']) => zone.devices.find((d) => d.type === type)!;
const day = (sut: ReadingGenerator, stepMs: number, start = Date.UTC(2026, 5, 1)) =>
  Array.from({ length: Math.floor((24 * HOUR) / stepMs) }, (_, i) => ({ ts: start + i * stepMs, readings: sut.next(start + i * stepMs) }));

describe('ReadingGenerator', () => {
  it('gives the same readings for the same device, seed and timestamps', () => {
    const device = deviceOf('electrical_fire_monitor');
    expect(day(new ReadingGenerator(device, 7), 15_000)).toEqual(day(new ReadingGenerator(device, 7), 15_000));
  });

  it('gives other readings for another seed or another device', () => {
    const a = day(new ReadingGenerator(deviceOf('smoke_detector'), 7), 60_000);
    expect(day(new ReadingGenerator(deviceOf('smoke_detector'), 8), 60_000)).not.toEqual(a);
    const other = zone.devices.filter((d) => d.type === 'smoke_detector')[1];
    expect(day(new ReadingGenerator(other, 7), 60_000)).not.toEqual(a);
  });

  it('reports exactly the metrics of the device type', () => {
    expect(Object.keys(new ReadingGenerator(deviceOf('gas_detector'), 1).next(0)).sort()).toEqual(['co', 'gas_lel']);
    expect(new ReadingGenerator(deviceOf('fire_door_sensor'), 1).next(0)).toEqual({ fire_door_open: false });
  });

  it('follows a daily cycle: warmer in the afternoon (local time, UTC+8) than before dawn', () => {
    const readings = day(new ReadingGenerator(deviceOf('heat_detector'), 3), 60_000);
    const mean = (localHour: number) => {
      const xs = readings.filter((r) => (new Date(r.ts).getUTCHours() + 8) % 24 === localHour).map((r) => r.readings.temperature as number);
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    expect(mean(15) - mean(3)).toBeGreaterThan(4);
  });

  it('stays clear of every alarm threshold over a day of normal operation', () => {
    for (const type of ['smoke_detector', 'gas_detector', 'electrical_fire_monitor', 'hydrant_monitor', 'co_detector'] as const) {
      for (const seed of [1, 2, 3]) {
        const rs = day(new ReadingGenerator(deviceOf(type), seed), 10_000).map((r) => r.readings);
        const max = (m: string) => Math.max(...rs.map((r) => (r as Record<string, number>)[m] ?? -Infinity));
        const min = (m: string) => Math.min(...rs.map((r) => (r as Record<string, number>)[m] ?? Infinity));
        if (type === 'smoke_detector') expect(max('smoke')).toBeLessThan(0.1);
        if (type === 'smoke_detector') expect(max('temperature')).toBeLessThan(40);
        if (type === 'gas_detector') expect(max('gas_lel')).toBeLessThan(5);
        if (type === 'gas_detector' || type === 'co_detector') expect(max('co')).toBeLessThan(20);
        if (type === 'electrical_fire_monitor') expect(max('residual_current')).toBeLessThan(260);
        if (type === 'electrical_fire_monitor') expect(max('cable_temperature')).toBeLessThan(70);
        if (type === 'hydrant_monitor') expect(min('hydrant_pressure')).toBeGreaterThan(0.2);
      }
    }
  });

  it('drifts slowly: hydrant pressure never falls 0.05 MPa within two minutes (the sudden-drop rule)', () => {
    const rs = day(new ReadingGenerator(deviceOf('hydrant_monitor'), 5), 60_000).map((r) => r.readings.hydrant_pressure as number);
    for (let i = 2; i < rs.length; i++) expect(Math.max(rs[i - 1], rs[i - 2]) - rs[i]).toBeLessThan(0.05);
  });
});
