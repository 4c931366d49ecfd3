import { DEVICE_TYPES, type DeviceType } from '@app/contracts';
import type { StandingHazards } from '../enterprise-grade';
import type { GeoPoint } from '../geo';
import { mulberry32 } from './seeded-random';
import type { DeviceSeed, EnterpriseSeed, GeoBounds, SubstationSeed, ZoneSeed } from './zone';

// Modelled on the hardware-manufacturing development zone of Yongkang, Zhejiang:
// about 16 km east-west by 10 km north-south around 28.90 N, 120.05 E.
const CENTRE: GeoPoint = { lat: 28.9, lon: 120.05 };
const WIDTH_M = 16_000;
const HEIGHT_M = 10_000;
const M_PER_DEG_LAT = 111_195;
const HALF_LAT = HEIGHT_M / 2 / M_PER_DEG_LAT;
const HALF_LON = WIDTH_M / 2 / (M_PER_DEG_LAT * Math.cos((CENTRE.lat * Math.PI) / 180));
const COLUMNS = 4;
const ROWS = 2;
const SUBSTATION_CAPACITY = 3;
const PARKS_PER_AREA = 3;

const STATION_PLACES = ['Xicheng', 'Chengbei', 'Dongcheng', 'Huajie', 'Jiangnan', 'Shizhu', 'Gushan', 'Zhiying'];
// Enterprises are not spread evenly: the older industrial parks in the middle are the densest.
const AREA_WEIGHTS = [0.1, 0.16, 0.15, 0.09, 0.11, 0.17, 0.13, 0.09];

interface Industry {
  name: string;
  title: string;
  weight: number;
  /** Uses fuel gas or solvents on the shop floor, so it gets combustible-gas detectors. */
  gas: boolean;
}

const INDUSTRIES: Industry[] = [
  { name: 'hardware tools', title: 'Hardware Tools', weight: 22, gas: false },
  { name: 'door manufacturing', title: 'Door Industry', weight: 16, gas: true },
  { name: 'cups and kettles', title: 'Cup and Kettle', weight: 15, gas: false },
  { name: 'electric tools', title: 'Electric Tools', weight: 14, gas: false },
  { name: 'die casting', title: 'Die Casting', weight: 9, gas: true },
  { name: 'electroplating', title: 'Surface Treatment', weight: 5, gas: true },
  { name: 'garden tools', title: 'Garden Machinery', weight: 6, gas: false },
  { name: 'kitchenware', title: 'Kitchenware', weight: 6, gas: false },
  { name: 'scooters and motorcycle parts', title: 'Vehicle Parts', weight: 4, gas: true },
  { name: 'fitness equipment', title: 'Fitness Equipment', weight: 3, gas: false },
];
const INDUSTRY_WEIGHT_TOTAL = INDUSTRIES.reduce((sum, i) => sum + i.weight, 0);

const NAME_SYLLABLES = [
  'Heng',
  'Xin',
  'Jin',
  'Feng',
  'Tai',
  'Long',
  'Sheng',
  'Da',
  'Hua',
  'Rui',
  'Yuan',
  'Kang',
  'Mei',
  'Bao',
  'Fu',
  'Li',
  'Chang',
  'Hong',
  'Tian',
  'Yi',
  'Wei',
  'Ming',
  'Hao',
  'Jia',
];

type Random = () => number;

function pick<T>(rng: Random, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)];
}

function weighted(rng: Random, weights: readonly number[], total: number): number {
  let r = rng() * total;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i];
    if (r < 0) return i;
  }
  return weights.length - 1;
}

function gaussian(rng: Random): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

// Six decimals is about 0.1 m: precise enough, and readable in fixtures and on the dashboard.
function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function within(area: GeoBounds, fLat: number, fLon: number): GeoPoint {
  return { lat: round6(area.minLat + fLat * (area.maxLat - area.minLat)), lon: round6(area.minLon + fLon * (area.maxLon - area.minLon)) };
}

function clampFraction(f: number): number {
  return Math.min(0.98, Math.max(0.02, f));
}

function substationSeeds(rng: Random): SubstationSeed[] {
  const minLat = CENTRE.lat - HALF_LAT;
  const minLon = CENTRE.lon - HALF_LON;
  const dLat = (2 * HALF_LAT) / ROWS;
  const dLon = (2 * HALF_LON) / COLUMNS;
  const seeds: SubstationSeed[] = [];
  for (let row = 0; row < ROWS; row++) {
    for (let col = 0; col < COLUMNS; col++) {
      const n = row * COLUMNS + col + 1;
      // Row 0 is the north row, so S1 is the north-west corner and S8 the south-east.
      const area: GeoBounds = {
        minLat: round6(minLat + (ROWS - 1 - row) * dLat),
        maxLat: round6(minLat + (ROWS - row) * dLat),
        minLon: round6(minLon + col * dLon),
        maxLon: round6(minLon + (col + 1) * dLon),
      };
      seeds.push({
        id: `S${n}`,
        name: `${STATION_PLACES[n - 1]} Micro Fire Station`,
        location: within(area, 0.25 + 0.5 * rng(), 0.25 + 0.5 * rng()),
        area,
        capacity: SUBSTATION_CAPACITY,
      });
    }
  }
  return seeds;
}

function hazardsFor(rng: Random, small: boolean): StandingHazards {
  const multiTenant = rng() < 1 / 3;
  const tenants = multiTenant ? 2 + Math.floor(rng() * 11) : 1;
  return {
    threeInOne: rng() < (small ? 0.1 : 0.02),
    multiTenant,
    tenants,
    unauthorisedStructures: rng() < (multiTenant ? 0.2 : 0.08),
    fireLaneBlocked: rng() < 0.05,
    noSprinklers: rng() < (small ? 0.3 : 0.06),
  };
}

/** A factory's sensors: detectors first and foremost, then the one-offs a fire inspection asks for. */
function deviceMix(rng: Random, count: number, industry: Industry): DeviceType[] {
  const minDetectors = Math.ceil(count / 2);
  const extras: Array<[DeviceType, number]> = [
    ['hydrant_monitor', 1],
    ['electrical_fire_monitor', Math.max(1, Math.round(count * 0.1))],
    ['fire_lane_camera', 1],
    ['gas_detector', industry.gas ? Math.max(1, Math.round(count * 0.08)) : 0],
    ['fire_door_sensor', Math.max(1, Math.round(count * 0.06))],
    ['co_detector', count >= 20 ? 1 : 0],
  ];
  const types: DeviceType[] = [];
  let slots = count - minDetectors;
  for (const [type, wanted] of extras) {
    const n = Math.min(wanted, slots);
    for (let i = 0; i < n; i++) types.push(type);
    slots -= n;
  }
  while (types.length < count) types.push(rng() < 0.7 ? 'smoke_detector' : 'heat_detector');
  return types;
}

/**
 * A deterministic, realistic zone: eight substations S1..S8 tiling a 4 x 2 grid,
 * enterprises E0001.. clustered in industrial parks inside each area, 5-50 devices each.
 * The same options always give the same zone.
 */
export function generateZone(options: { enterprises?: number; seed?: number } = {}): ZoneSeed {
  const count = options.enterprises ?? 2300;
  if (!Number.isInteger(count) || count < 0 || count > 9999) throw new Error(`zone: enterprises must be 0-9999, got ${count}`);
  const rng = mulberry32(options.seed ?? 1);
  const substations = substationSeeds(rng);
  const parks = substations.map(() =>
    Array.from({ length: PARKS_PER_AREA }, () => ({ fLat: 0.15 + 0.7 * rng(), fLon: 0.15 + 0.7 * rng() })),
  );
  const areaWeightTotal = AREA_WEIGHTS.reduce((a, b) => a + b, 0);
  const industryWeights = INDUSTRIES.map((i) => i.weight);

  const enterprises: EnterpriseSeed[] = [];
  const devices: DeviceSeed[] = [];
  for (let e = 1; e <= count; e++) {
    const id = `E${String(e).padStart(4, '0')}`;
    const a = weighted(rng, AREA_WEIGHTS, areaWeightTotal);
    const station = substations[a];
    const park = pick(rng, parks[a]);
    const location = within(station.area, clampFraction(park.fLat + 0.12 * gaussian(rng)), clampFraction(park.fLon + 0.12 * gaussian(rng)));
    const industry = INDUSTRIES[weighted(rng, industryWeights, INDUSTRY_WEIGHT_TOTAL)];
    const deviceCount = 5 + Math.floor(46 * rng() ** 2);
    enterprises.push({
      id,
      name: `${pick(rng, NAME_SYLLABLES)}${pick(rng, NAME_SYLLABLES).toLowerCase()} ${industry.title} Co., Ltd.`,
      industry: industry.name,
      location,
      substationId: station.id,
      hazards: hazardsFor(rng, deviceCount < 15),
    });
    deviceMix(rng, deviceCount, industry).forEach((type, i) => {
      devices.push({
        id: `${id}-D${String(i + 1).padStart(2, '0')}`,
        enterpriseId: id,
        type,
        reportIntervalS: DEVICE_TYPES[type].reportIntervalS,
      });
    });
  }
  return { substations, enterprises, devices };
}
