import { DEVICE_TYPES, type DeviceType } from '@app/contracts';
import { distanceM } from '../geo';
import { generateZone } from './zone-generator';
import type { GeoBounds } from './zone';

const inside = (b: GeoBounds, p: { lat: number; lon: number }) =>
  p.lat > b.minLat && p.lat < b.maxLat && p.lon > b.minLon && p.lon < b.maxLon;

describe('generateZone', () => {
  const zone = generateZone();

  it('is the same zone for the same seed, and another for another seed', () => {
    expect(generateZone({ seed: 1 })).toEqual(zone);
    expect(generateZone({ seed: 2 }).enterprises).not.toEqual(zone.enterprises);
  });

  it('generates 2,300 enterprises well under a second', () => {
    const started = performance.now();
    generateZone({ seed: 7 });
    expect(performance.now() - started).toBeLessThan(500);
  });

  describe('substations', () => {
    it('are S1..S8, capacity 3, each located inside its own area', () => {
      expect(zone.substations.map((s) => s.id)).toEqual(['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7', 'S8']);
      for (const s of zone.substations) {
        expect(s.capacity).toBe(3);
        expect(s.name).toMatch(/Micro Fire Station$/);
        expect(inside(s.area, s.location)).toBe(true);
      }
    });

    it('tile a 4 x 2 grid of about 16 km x 10 km around 28.90 N 120.05 E', () => {
      const areas = zone.substations.map((s) => s.area);
      const minLat = Math.min(...areas.map((a) => a.minLat));
      const maxLat = Math.max(...areas.map((a) => a.maxLat));
      const minLon = Math.min(...areas.map((a) => a.minLon));
      const maxLon = Math.max(...areas.map((a) => a.maxLon));
      expect((minLat + maxLat) / 2).toBeCloseTo(28.9, 5);
      expect((minLon + maxLon) / 2).toBeCloseTo(120.05, 5);
      expect(distanceM({ lat: 28.9, lon: minLon }, { lat: 28.9, lon: maxLon })).toBeCloseTo(16_000, -2);
      expect(distanceM({ lat: minLat, lon: 120 }, { lat: maxLat, lon: 120 })).toBeCloseTo(10_000, -2);
      expect(new Set(areas.map((a) => a.minLon.toFixed(9))).size).toBe(4);
      expect(new Set(areas.map((a) => a.minLat.toFixed(9))).size).toBe(2);
      const area = (a: GeoBounds) => (a.maxLat - a.minLat) * (a.maxLon - a.minLon);
      expect(areas.reduce((sum, a) => sum + area(a), 0)).toBeCloseTo((maxLat - minLat) * (maxLon - minLon), 12);
      areas.forEach((a, i) =>
        areas.slice(i + 1).forEach((b) => {
          const overlap =
            Math.min(a.maxLat, b.maxLat) - Math.max(a.minLat, b.minLat) > 1e-12 &&
            Math.min(a.maxLon, b.maxLon) - Math.max(a.minLon, b.minLon) > 1e-12;
          expect(overlap).toBe(false);
        }),
      );
    });
  });

  describe('enterprises', () => {
    it('are E0001..E2300, each inside the area of its substation', () => {
      expect(zone.enterprises).toHaveLength(2300);
      expect(zone.enterprises[0].id).toBe('E0001');
      expect(zone.enterprises[2299].id).toBe('E2300');
      const areas = new Map(zone.substations.map((s) => [s.id, s.area]));
      for (const e of zone.enterprises) expect(inside(areas.get(e.substationId)!, e.location)).toBe(true);
    });

    it('are spread over every substation area', () => {
      const perStation = new Map<string, number>();
      for (const e of zone.enterprises) perStation.set(e.substationId, (perStation.get(e.substationId) ?? 0) + 1);
      expect(perStation.size).toBe(8);
      for (const n of perStation.values()) expect(n).toBeGreaterThan(100);
    });

    it('come from the hardware trades of the zone', () => {
      const industries = new Set(zone.enterprises.map((e) => e.industry));
      for (const i of ['hardware tools', 'door manufacturing', 'cups and kettles', 'electric tools', 'die casting', 'electroplating']) {
        expect(industries).toContain(i);
      }
      for (const e of zone.enterprises) expect(e.name).toMatch(/^[A-Z][a-z]+ .+ Co\., Ltd\.$/);
    });

    it('carry the standing hazards of the zone in plausible shares', () => {
      const share = (f: (e: (typeof zone.enterprises)[number]) => boolean) => zone.enterprises.filter(f).length / zone.enterprises.length;
      expect(share((e) => e.hazards.multiTenant)).toBeGreaterThan(0.28);
      expect(share((e) => e.hazards.multiTenant)).toBeLessThan(0.39);
      expect(share((e) => e.hazards.threeInOne)).toBeGreaterThan(0.01);
      expect(share((e) => e.hazards.unauthorisedStructures)).toBeGreaterThan(0.05);
      expect(share((e) => e.hazards.fireLaneBlocked)).toBeGreaterThan(0.01);
      expect(share((e) => e.hazards.noSprinklers)).toBeGreaterThan(0.05);
      for (const { hazards } of zone.enterprises) {
        if (hazards.multiTenant) expect(hazards.tenants >= 2 && hazards.tenants <= 12).toBe(true);
        else expect(hazards.tenants).toBe(1);
      }
    });
  });

  describe('devices', () => {
    const byEnterprise = new Map<string, typeof zone.devices>();
    for (const d of zone.devices) byEnterprise.set(d.enterpriseId, [...(byEnterprise.get(d.enterpriseId) ?? []), d]);

    it('number 5 to 50 per enterprise, numbered D01 onwards', () => {
      expect(byEnterprise.size).toBe(2300);
      for (const [id, devices] of byEnterprise) {
        expect(devices.length).toBeGreaterThanOrEqual(5);
        expect(devices.length).toBeLessThanOrEqual(50);
        expect(devices.map((d) => d.id)).toEqual(devices.map((_, i) => `${id}-D${String(i + 1).padStart(2, '0')}`));
      }
    });

    it('are mostly smoke and heat detectors, with a hydrant monitor and electrical fire monitoring in every factory', () => {
      for (const devices of byEnterprise.values()) {
        const count = (t: DeviceType) => devices.filter((d) => d.type === t).length;
        expect(count('smoke_detector') + count('heat_detector')).toBeGreaterThanOrEqual(devices.length / 2);
        expect(count('hydrant_monitor')).toBe(1);
        expect(count('electrical_fire_monitor')).toBeGreaterThanOrEqual(1);
      }
      const types = new Set(zone.devices.map((d) => d.type));
      expect([...types].sort()).toEqual(Object.keys(DEVICE_TYPES).sort());
    });

    it('gives gas detectors to the trades that burn gas or use solvents', () => {
      const gasUsers = new Set(zone.devices.filter((d) => d.type === 'gas_detector').map((d) => d.enterpriseId));
      const industries = new Set(zone.enterprises.filter((e) => gasUsers.has(e.id)).map((e) => e.industry));
      expect(industries).toContain('die casting');
      expect(industries).not.toContain('hardware tools');
    });

    it('report at the interval of their type', () => {
      for (const d of zone.devices) expect(d.reportIntervalS).toBe(DEVICE_TYPES[d.type].reportIntervalS);
    });
  });

  it('takes a smaller zone and refuses an impossible one', () => {
    const small = generateZone({ enterprises: 10, seed: 3 });
    expect(small.enterprises.map((e) => e.id)).toEqual(Array.from({ length: 10 }, (_, i) => `E${String(i + 1).padStart(4, '0')}`));
    expect(small.substations).toHaveLength(8);
    expect(() => generateZone({ enterprises: 10_000 })).toThrow('enterprises must be 0-9999');
    expect(() => generateZone({ enterprises: 1.5 })).toThrow();
  });
});
