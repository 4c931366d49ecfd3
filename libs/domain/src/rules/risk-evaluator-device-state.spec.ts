import { RiskEvaluator } from './risk-evaluator';

const T = Date.parse('2026-03-02T08:00:00Z');
const monitor = (ts: number, mA: number) => ({
  deviceId: 'E0001-D02',
  deviceType: 'electrical_fire_monitor' as const,
  ts,
  readings: { residual_current: mA },
});

describe('RiskEvaluator per-device state (persisted between batches)', () => {
  it('continues a duration rule in a new evaluator from the exported device state', () => {
    const before = new RiskEvaluator();
    expect(before.evaluate(monitor(T, 350))).toEqual([]);
    expect(before.evaluate(monitor(T + 4000, 360))).toEqual([]);
    const saved = JSON.parse(JSON.stringify(before.exportDevice('E0001-D02')));

    const after = new RiskEvaluator();
    expect(after.knows('E0001-D02')).toBe(false);
    after.importDevice('E0001-D02', saved);
    expect(after.knows('E0001-D02')).toBe(true);
    expect(after.evaluate(monitor(T + 10_000, 370))).toEqual([
      expect.objectContaining({ type: 'raised', ruleId: expect.stringMatching(/^residual_current/), at: T + 10_000 }),
    ]);

    const fresh = new RiskEvaluator();
    expect(fresh.evaluate(monitor(T + 10_000, 370))).toEqual([]);
  });

  it('ignores a replayed reading the saved state has already seen', () => {
    const before = new RiskEvaluator();
    before.evaluate(monitor(T, 100));
    const after = new RiskEvaluator();
    after.importDevice('E0001-D02', before.exportDevice('E0001-D02'));
    expect(after.evaluate(monitor(T, 900))).toEqual([]);
  });

  it('leaves out state it cannot read, and exports nothing for a device it never saw', () => {
    const sut = new RiskEvaluator();
    sut.importDevice('x', { type: 'toaster', lastTs: 1, rules: {} });
    sut.importDevice('y', null);
    expect(sut.knows('x')).toBe(false);
    expect(sut.knows('y')).toBe(false);
    expect(sut.exportDevice('never')).toBeNull();
  });
});
