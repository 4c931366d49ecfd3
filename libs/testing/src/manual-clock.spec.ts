import { ManualClock } from './manual-clock';

describe('ManualClock', () => {
  it('moves only when told to', () => {
    const sut = new ManualClock(1_000);
    expect(sut.now()).toBe(1_000);
    sut.advance(500);
    expect(sut.now()).toBe(1_500);
    sut.set(10);
    expect(sut.now()).toBe(10);
  });
});
