import { distanceM } from './geo';

describe('distanceM', () => {
  it.each([
    ['the same point', { lat: 28.9, lon: 120.05 }, { lat: 28.9, lon: 120.05 }, 0, 0.001],
    ['one degree of latitude', { lat: 28, lon: 120 }, { lat: 29, lon: 120 }, 111_195, 5],
    ['one degree of longitude at the equator', { lat: 0, lon: 0 }, { lat: 0, lon: 1 }, 111_195, 5],
    ['one degree of longitude at 28.9 N', { lat: 28.9, lon: 120 }, { lat: 28.9, lon: 121 }, 97_348, 100],
    ['Yongkang to Jinhua', { lat: 28.888, lon: 120.047 }, { lat: 29.079, lon: 119.647 }, 44_500, 1_500],
  ])('%s', (_, a, b, metres, tolerance) => {
    expect(Math.abs(distanceM(a, b) - metres)).toBeLessThanOrEqual(tolerance);
    expect(distanceM(a, b)).toBeCloseTo(distanceM(b, a), 6);
  });
});
