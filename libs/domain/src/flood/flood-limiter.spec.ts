import { ManualClock } from '@app/testing';
import { FloodLimiter } from './flood-limiter';

const T0 = Date.UTC(2026, 10, 25, 10, 0, 0);
const limits = { device: { ratePerS: 2, burst: 3 }, enterprise: { ratePerS: 5, burst: 6 } };

describe('FloodLimiter', () => {
  it('caps a flooding device without touching its neighbours in the same enterprise', () => {
    const clock = new ManualClock(T0);
    const sut = new FloodLimiter(limits, clock);

    const flood = Array.from({ length: 1000 }, () => sut.admit('E1-D1', 'E1'));
    expect(flood.filter((r) => r === null)).toHaveLength(3);
    expect(flood[3]).toEqual({ scope: 'device', key: 'E1-D1', limit: limits.device });
    // Refused messages took nothing from the enterprise: E1 has 3 of its 6 left.
    expect(sut.admit('E1-D2', 'E1')).toBeNull();
    expect(sut.admit('E1-D3', 'E1')).toBeNull();
    expect(sut.admit('E1-D4', 'E1')).toBeNull();
    expect(sut.admit('E1-D5', 'E1')).toEqual({ scope: 'enterprise', key: 'E1', limit: limits.enterprise });
    expect(sut.admit('E2-D1', 'E2')).toBeNull();
  });

  it('lets a capped device through again at its rate', () => {
    const clock = new ManualClock(T0);
    const sut = new FloodLimiter(limits, clock);
    for (let i = 0; i < 10; i++) sut.admit('E1-D1', 'E1');

    clock.advance(500);
    expect(sut.admit('E1-D1', 'E1')).toBeNull();
    expect(sut.admit('E1-D1', 'E1')?.scope).toBe('device');
  });

  it('limits an enterprise whose many devices together go over its rate', () => {
    const clock = new ManualClock(T0);
    const sut = new FloodLimiter(limits, clock);
    const results = Array.from({ length: 20 }, (_, i) => sut.admit(`E1-D${i}`, 'E1'));
    expect(results.filter((r) => r === null)).toHaveLength(6);
    expect(results.slice(6).every((r) => r?.scope === 'enterprise')).toBe(true);
    clock.advance(1000);
    expect(Array.from({ length: 20 }, (_, i) => sut.admit(`E1-D${i}`, 'E1')).filter((r) => r === null)).toHaveLength(5);
  });

  it('limits nothing with both rates at 0', () => {
    const sut = new FloodLimiter({ device: { ratePerS: 0, burst: 1 }, enterprise: { ratePerS: 0, burst: 1 } }, new ManualClock(T0));
    expect(Array.from({ length: 10_000 }, () => sut.admit('E1-D1', 'E1')).every((r) => r === null)).toBe(true);
  });
});
