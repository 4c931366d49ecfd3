import { MAX_LEAD_MS, ScenarioClock } from './scenario-clock';

describe('ScenarioClock', () => {
  it('at speed 1 stamps readings with the wall time', () => {
    const sut = new ScenarioClock(1_000_000, 1, 600);
    expect(sut.timestampAt(30)).toBe(1_030_000);
    expect(sut.wallAt(30)).toBe(1_030_000);
    expect(sut.scenarioSeconds(1_030_000)).toBe(30);
  });

  it('faster, keeps the scenario spacing of timestamps and runs ahead of the wall clock by less than the allowed skew', () => {
    const sut = new ScenarioClock(0, 10, 200);
    expect(sut.wallAt(100)).toBe(10_000);
    expect(sut.timestampAt(100) - sut.timestampAt(90)).toBe(10_000);
    expect(sut.timestampAt(200) - sut.wallAt(200)).toBe(180_000);
    expect(sut.backdateMs).toBe(0);
  });

  it('stamps a timeline too long for the skew in the past instead', () => {
    const sut = new ScenarioClock(0, 10, 600);
    expect(sut.timestampAt(600) - sut.wallAt(600)).toBe(MAX_LEAD_MS);
    expect(sut.timestampAt(0)).toBe(-(540_000 - MAX_LEAD_MS));
  });

  it('refuses a speed of 0 or an endless run faster than real time', () => {
    expect(() => new ScenarioClock(0, 0, 10)).toThrow(/speed/);
    expect(() => new ScenarioClock(0, 2, Infinity)).toThrow(/speed 1/);
  });
});
