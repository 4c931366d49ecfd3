import type { SignalClass } from '@app/contracts';
import { distanceM, type GeoPoint } from './geo';
import { chooseBackup, chooseSubstation, type SubstationSnapshot } from './substation-choice';

// Stations along a line east of the enterprise, 1 km apart: S1 nearest.
const at = (km: number): GeoPoint => ({ lat: 28.9, lon: 120 + km / 97.35 });
const enterprise = { location: at(0), substationId: 'S2' };

function station(id: string, km: number, change: Partial<SubstationSnapshot> = {}): SubstationSnapshot {
  return { id, location: at(km), capacity: 3, activeIncidents: 0, available: true, ...change };
}

const busy = { activeIncidents: 3 };
const down = { available: false };

describe('chooseSubstation', () => {
  it.each<[string, SubstationSnapshot[], string, string]>([
    ['home is free', [station('S1', 1), station('S2', 3), station('S3', 2)], 'S2', 'home-area'],
    ['home has room left', [station('S1', 1), station('S2', 3, { activeIncidents: 2 })], 'S2', 'home-area'],
    ['home is busy', [station('S1', 1), station('S2', 3, busy), station('S3', 2)], 'S1', 'home-busy-nearest'],
    ['home is over capacity', [station('S2', 3, { activeIncidents: 5 }), station('S3', 2)], 'S3', 'home-busy-nearest'],
    ['home is unavailable', [station('S1', 1), station('S2', 3, down), station('S3', 2)], 'S1', 'home-unavailable-nearest'],
    ['home is busy and unavailable', [station('S2', 3, { ...busy, ...down }), station('S3', 2)], 'S3', 'home-unavailable-nearest'],
    ['home is missing', [station('S3', 2), station('S4', 1)], 'S4', 'home-unavailable-nearest'],
    ['the nearest is busy', [station('S1', 1, busy), station('S2', 3, busy), station('S3', 2)], 'S3', 'home-busy-nearest'],
    ['the nearest is unavailable', [station('S1', 1, down), station('S2', 3, busy), station('S3', 2)], 'S3', 'home-busy-nearest'],
    [
      'every station is busy or unavailable',
      [station('S1', 1, busy), station('S2', 3, busy), station('S3', 2, down)],
      'S2',
      'all-busy-home',
    ],
    ['two equally near: lower id', [station('S2', 3, busy), station('S9', 2), station('S3', 2)], 'S3', 'home-busy-nearest'],
  ])('%s', (_, stations, id, reason) => {
    const choice = chooseSubstation(enterprise, stations);
    expect(choice).toMatchObject({ substationId: id, reason });
    const chosen = stations.find((s) => s.id === id);
    expect(choice.distanceM).toBeCloseTo(distanceM(enterprise.location, chosen!.location), 6);
  });

  it('still names home with an unknown distance when home is missing and nothing is free', () => {
    const choice = chooseSubstation(enterprise, [station('S3', 2, busy)]);
    expect(choice.substationId).toBe('S2');
    expect(choice.reason).toBe('all-busy-home');
    expect(choice.distanceM).toBeNaN();
  });
});

describe('chooseSubstation: fire first when crews are scarce', () => {
  const lastPlace = [station('S1', 1, { activeIncidents: 2 }), station('S2', 3, busy), station('S3', 2, busy)];
  const twoPlaces = [station('S1', 1, { activeIncidents: 2 }), station('S2', 3, busy), station('S3', 2, { activeIncidents: 2 })];

  it.each<[string, SubstationSnapshot[], SignalClass | null, string, string]>([
    ['a fire takes the last free place', lastPlace, 'fire', 'S1', 'home-busy-nearest'],
    ['a grade of unknown cause counts as a fire', lastPlace, null, 'S1', 'home-busy-nearest'],
    ['a gas alarm leaves the last free place to a fire', lastPlace, 'alarm', 'S2', 'home-busy-kept-for-fire'],
    ['so does a supervisory signal', lastPlace, 'supervisory', 'S2', 'home-busy-kept-for-fire'],
    ['with two free places a gas alarm takes the nearer', twoPlaces, 'alarm', 'S1', 'home-busy-nearest'],
    ['home free: no reserve is needed', [station('S1', 1), station('S2', 3, { activeIncidents: 2 })], 'alarm', 'S2', 'home-area'],
    [
      'an unavailable home with one free place elsewhere still keeps it for a fire',
      [station('S1', 1, { activeIncidents: 2 }), station('S2', 3, down)],
      'alarm',
      'S2',
      'home-busy-kept-for-fire',
    ],
    [
      'nothing free at all is all-busy-home whatever the class',
      [station('S1', 1, busy), station('S2', 3, busy)],
      'alarm',
      'S2',
      'all-busy-home',
    ],
  ])('%s', (_, stations, signalClass, id, reason) => {
    expect(chooseSubstation(enterprise, stations, signalClass)).toMatchObject({ substationId: id, reason });
  });

  it('counts free places over every other station, an unavailable one giving none', () => {
    const stations = [station('S1', 1, { activeIncidents: 2 }), station('S2', 3, busy), station('S3', 2, { ...down, activeIncidents: 0 })];
    expect(chooseSubstation(enterprise, stations, 'alarm').reason).toBe('home-busy-kept-for-fire');
  });
});

describe('chooseBackup', () => {
  it.each<[string, SubstationSnapshot[], string[], string | null, string | null]>([
    ['nearest free one not excluded', [station('S1', 1), station('S2', 3), station('S3', 2)], ['S2'], 'S1', 'backup-nearest'],
    ['skips excluded ones', [station('S1', 1), station('S2', 3), station('S3', 2)], ['S2', 'S1'], 'S3', 'backup-nearest'],
    ['skips busy ones', [station('S1', 1, busy), station('S2', 3), station('S3', 2)], ['S2'], 'S3', 'backup-nearest'],
    ['skips unavailable ones', [station('S1', 1, down), station('S2', 3), station('S3', 2)], ['S2'], 'S3', 'backup-nearest'],
    [
      'nearest at all when none is free',
      [station('S1', 1, down), station('S2', 3), station('S3', 2, busy)],
      ['S2'],
      'S1',
      'backup-busy-nearest',
    ],
    ['null when all are excluded', [station('S1', 1), station('S2', 3)], ['S1', 'S2'], null, null],
    ['null with no stations', [], [], null, null],
    ['ties broken by id', [station('S7', 2), station('S3', 2)], [], 'S3', 'backup-nearest'],
  ])('%s', (_, stations, exclude, id, reason) => {
    const choice = chooseBackup(enterprise, stations, exclude);
    expect(choice === null ? null : [choice.substationId, choice.reason]).toEqual(id === null ? null : [id, reason]);
  });
});
