import { register } from 'prom-client';
import { counter, gauge, histogram } from './metrics';

describe('metrics', () => {
  afterEach(() => register.clear());

  it('creates a metric once and hands out the registered one after', async () => {
    const first = counter({ name: 'spec_things_total', help: 'Things', labelNames: ['kind'] });
    const second = counter({ name: 'spec_things_total', help: 'Things', labelNames: ['kind'] });
    expect(second).toBe(first);
    first.inc({ kind: 'a' });
    second.inc({ kind: 'a' });
    expect((await register.getSingleMetric('spec_things_total')!.get()).values).toEqual([{ labels: { kind: 'a' }, value: 2 }]);
    expect(histogram({ name: 'spec_seconds', help: 'Seconds', buckets: [1] })).toBe(histogram({ name: 'spec_seconds', help: 'Seconds' }));
  });

  it('replaces the registered metric when asked, so the newest collector is the one scraped', async () => {
    const old = gauge({ name: 'spec_lag', help: 'Lag', collect: () => undefined });
    old.set(1);
    const current = gauge(
      {
        name: 'spec_lag',
        help: 'Lag',
        collect() {
          this.set(7);
        },
      },
      { replace: true },
    );
    expect(current).not.toBe(old);
    expect(register.getSingleMetric('spec_lag')).toBe(current);
    expect((await current.get()).values).toEqual([{ labels: {}, value: 7 }]);
  });

  it('refuses a name registered as another kind', () => {
    counter({ name: 'spec_mixed', help: 'Mixed' });
    expect(() => gauge({ name: 'spec_mixed', help: 'Mixed' })).toThrow('spec_mixed is registered already, as another kind');
  });
});
