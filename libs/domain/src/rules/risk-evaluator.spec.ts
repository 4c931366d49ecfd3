import type { DeviceType, MetricName, ReadingValue } from '@app/contracts';
import { defaultRuleSet } from './default-rules';
import { RiskEvaluator } from './risk-evaluator';
import type { Rule, RuleSet } from './rule';

const T0 = Date.UTC(2025, 0, 1);
const s = (seconds: number) => T0 + seconds * 1000;

/** [seconds after T0, value, what the rule under test should do: 'raised orange', 'updated red', 'cleared orange' or ''] */
type Step = [number, ReadingValue, string];

interface Scenario {
  name: string;
  type: DeviceType;
  metric: MetricName;
  ruleId: string;
  steps: Step[];
}

const scenarios: Scenario[] = [
  {
    name: 'fixed temperature raises at once, holds in the hysteresis band, clears after 30 s below it',
    type: 'heat_detector',
    metric: 'temperature',
    ruleId: 'temperature.fixed',
    steps: [
      [0, 20, ''],
      [1, 56.9, ''],
      [2, 58, 'raised orange'],
      [3, 53, ''],
      [4, 51, ''],
      [33, 51, ''],
      [34, 51, 'cleared orange'],
    ],
  },
  {
    name: 'fixed temperature: a reading back in the band restarts the clear timer',
    type: 'heat_detector',
    metric: 'temperature',
    ruleId: 'temperature.fixed',
    steps: [
      [0, 60, 'raised orange'],
      [10, 40, ''],
      [20, 55, ''],
      [30, 40, ''],
      [59, 40, ''],
      [60, 40, 'cleared orange'],
    ],
  },
  {
    name: 'gas: first and second alarm, down a level only past hysteresis',
    type: 'gas_detector',
    metric: 'gas_lel',
    ruleId: 'gas_lel.high',
    steps: [
      [0, 10, ''],
      [1, 30, 'raised orange'],
      [2, 55, 'updated red'],
      [3, 46, ''],
      [4, 44, 'updated orange'],
      [5, 21, ''],
      [6, 19, ''],
      [36, 18, 'cleared orange'],
    ],
  },
  {
    name: 'gas: straight to the second alarm, cleared with the grade it had',
    type: 'gas_detector',
    metric: 'gas_lel',
    ruleId: 'gas_lel.high',
    steps: [
      [0, 70, 'raised red'],
      [1, 0, ''],
      [31, 0, 'cleared red'],
    ],
  },
  {
    name: 'gas: a drop below every threshold but within hysteresis keeps the top level it still holds',
    type: 'gas_detector',
    metric: 'gas_lel',
    ruleId: 'gas_lel.high',
    steps: [
      [0, 60, 'raised red'],
      [1, 22, 'updated orange'],
      [2, 80, 'updated red'],
    ],
  },
  {
    name: 'co: low and high alarm',
    type: 'co_detector',
    metric: 'co',
    ruleId: 'co.high',
    steps: [
      [0, 23, ''],
      [1, 30, 'raised yellow'],
      [2, 200, 'updated orange'],
      [3, 157, ''],
      [4, 150, 'updated yellow'],
    ],
  },
  {
    name: 'residual current: debounced 10 s, a dip restarts it',
    type: 'electrical_fire_monitor',
    metric: 'residual_current',
    ruleId: 'residual_current.high',
    steps: [
      [0, 350, ''],
      [5, 350, ''],
      [8, 250, ''],
      [9, 350, ''],
      [18, 350, ''],
      [19, 320, 'raised yellow'],
      [20, 600, 'updated orange'],
    ],
  },
  {
    name: 'residual current: raised at the grade of the reading that ends the debounce',
    type: 'electrical_fire_monitor',
    metric: 'residual_current',
    ruleId: 'residual_current.high',
    steps: [
      [0, 320, ''],
      [10, 700, 'raised orange'],
    ],
  },
  {
    name: 'cable temperature',
    type: 'electrical_fire_monitor',
    metric: 'cable_temperature',
    ruleId: 'cable_temperature.high',
    steps: [
      [0, 79, ''],
      [1, 85, 'raised yellow'],
      [2, 101, 'updated orange'],
      [3, 70, ''],
      [63, 70, 'cleared orange'],
    ],
  },
  {
    name: 'hydrant pressure below 0.10 MPa for 30 s',
    type: 'hydrant_monitor',
    metric: 'hydrant_pressure',
    ruleId: 'hydrant_pressure.low',
    steps: [
      [0, 0.3, ''],
      [10, 0.08, ''],
      [39, 0.07, ''],
      [40, 0.08, 'raised yellow'],
      [50, 0.11, ''],
      [60, 0.13, ''],
      [119, 0.13, ''],
      [120, 0.13, 'cleared yellow'],
    ],
  },
  {
    name: 'hydrant pressure exactly at 0.10 MPa is not low',
    type: 'hydrant_monitor',
    metric: 'hydrant_pressure',
    ruleId: 'hydrant_pressure.low',
    steps: [
      [0, 0.1, ''],
      [100, 0.1, ''],
    ],
  },
  {
    name: 'smoke detector alarm (boolean)',
    type: 'smoke_detector',
    metric: 'smoke',
    ruleId: 'smoke.alarm',
    steps: [
      [0, false, ''],
      [1, true, 'raised orange'],
      [2, true, ''],
      [10, false, ''],
      [39, false, ''],
      [40, false, 'cleared orange'],
    ],
  },
  {
    name: 'smoke obscuration (number)',
    type: 'smoke_detector',
    metric: 'smoke',
    ruleId: 'smoke.alarm',
    steps: [
      [0, 0.1, ''],
      [1, 0.15, 'raised orange'],
      [2, 0.11, ''],
      [3, 0.05, ''],
      [33, 0.05, 'cleared orange'],
    ],
  },
  {
    name: 'fire lane blocked for a minute is a blue hazard',
    type: 'fire_lane_camera',
    metric: 'fire_lane_blocked',
    ruleId: 'fire_lane_blocked.hazard',
    steps: [
      [0, true, ''],
      [59, true, ''],
      [60, true, 'raised blue'],
      [70, false, ''],
      [129, false, ''],
      [130, false, 'cleared blue'],
    ],
  },
  {
    name: 'fire door opened briefly is nothing',
    type: 'fire_door_sensor',
    metric: 'fire_door_open',
    ruleId: 'fire_door_open.hazard',
    steps: [
      [0, true, ''],
      [30, false, ''],
      [60, true, ''],
      [119, true, ''],
      [120, true, 'raised blue'],
    ],
  },
  {
    name: 'rate of rise over 60 s: 10 °C/min raises, clears after 60 s of slow rise',
    type: 'heat_detector',
    metric: 'temperature',
    ruleId: 'temperature.rate-of-rise',
    steps: [
      [0, 20, ''],
      [30, 22, ''],
      [60, 30, 'raised orange'],
      [90, 30, ''],
      [120, 30, ''],
      [179, 30, ''],
      [180, 30, 'cleared orange'],
    ],
  },
  {
    name: 'rate of rise is not judged over less than half the window',
    type: 'heat_detector',
    metric: 'temperature',
    ruleId: 'temperature.rate-of-rise',
    steps: [
      [0, 20, ''],
      [20, 35, ''],
      [30, 32, 'raised orange'],
    ],
  },
  {
    name: 'rate of rise forgets samples older than the window',
    type: 'heat_detector',
    metric: 'temperature',
    ruleId: 'temperature.rate-of-rise',
    steps: [
      [0, 20, ''],
      [200, 40, ''],
      [229, 41, ''],
      [230, 41, ''],
    ],
  },
  {
    name: 'hydrant pressure falling 0.05 MPa between two 60 s reports (a little late) is a sudden drop, cleared once the fall leaves the window',
    type: 'hydrant_monitor',
    metric: 'hydrant_pressure',
    ruleId: 'hydrant_pressure.sudden-drop',
    steps: [
      [0, 0.35, ''],
      [61, 0.35, ''],
      [122, 0.3, 'raised yellow'],
      [183, 0.3, ''],
      [242, 0.3, ''],
      [243, 0.3, 'cleared yellow'],
    ],
  },
  {
    name: 'hydrant pressure falling a little less than 0.05 MPa in 2 minutes is not a sudden drop',
    type: 'hydrant_monitor',
    metric: 'hydrant_pressure',
    ruleId: 'hydrant_pressure.sudden-drop',
    steps: [
      [0, 0.35, ''],
      [60, 0.35, ''],
      [120, 0.302, ''],
      [180, 0.302, ''],
    ],
  },
  {
    name: 'hydrant pressure rising, or noise within 0.02 MPa, is not a drop',
    type: 'hydrant_monitor',
    metric: 'hydrant_pressure',
    ruleId: 'hydrant_pressure.sudden-drop',
    steps: [
      [0, 0.1, ''],
      [60, 0.4, ''],
      [120, 0.38, ''],
      [180, 0.4, ''],
      [240, 0.38, ''],
    ],
  },
  {
    name: 'hydrant pressure: one report after a long silence cannot measure a fall',
    type: 'hydrant_monitor',
    metric: 'hydrant_pressure',
    ruleId: 'hydrant_pressure.sudden-drop',
    steps: [
      [0, 0.35, ''],
      [300, 0.2, ''],
    ],
  },
  {
    name: 'residual current reaching 300 mA 3 times within 10 minutes is an intermittent fault; cleared when the first trip leaves the window',
    type: 'electrical_fire_monitor',
    metric: 'residual_current',
    ruleId: 'residual_current.intermittent',
    steps: [
      [0, 350, ''],
      [15, 100, ''],
      [200, 320, ''],
      [215, 100, ''],
      [400, 300, 'raised yellow'],
      [415, 100, ''],
      [600, 100, ''],
      [601, 100, ''],
      [660, 100, ''],
      [661, 100, 'cleared yellow'],
    ],
  },
  {
    name: 'residual current: a trip exactly 10 minutes old still counts',
    type: 'electrical_fire_monitor',
    metric: 'residual_current',
    ruleId: 'residual_current.intermittent',
    steps: [
      [0, 310, ''],
      [15, 100, ''],
      [300, 310, ''],
      [315, 100, ''],
      [600, 310, 'raised yellow'],
    ],
  },
  {
    name: 'residual current: a trip just over 10 minutes old does not count',
    type: 'electrical_fire_monitor',
    metric: 'residual_current',
    ruleId: 'residual_current.intermittent',
    steps: [
      [0, 310, ''],
      [15, 100, ''],
      [300, 310, ''],
      [315, 100, ''],
      [601, 310, ''],
    ],
  },
  {
    name: 'residual current staying high is one trip, however many readings show it',
    type: 'electrical_fire_monitor',
    metric: 'residual_current',
    ruleId: 'residual_current.intermittent',
    steps: [
      [0, 350, ''],
      [15, 360, ''],
      [30, 340, ''],
      [45, 350, ''],
      [60, 400, ''],
    ],
  },
  {
    name: 'residual current: dipping to 250 mA is within hysteresis and does not re-arm; below 250 mA does',
    type: 'electrical_fire_monitor',
    metric: 'residual_current',
    ruleId: 'residual_current.intermittent',
    steps: [
      [0, 350, ''],
      [15, 250, ''],
      [30, 350, ''],
      [45, 250, ''],
      [60, 350, ''],
      [75, 249, ''],
      [90, 300, ''],
      [105, 249.9, ''],
      [120, 300, 'raised yellow'],
    ],
  },
  {
    name: 'residual current just under 300 mA is not a trip',
    type: 'electrical_fire_monitor',
    metric: 'residual_current',
    ruleId: 'residual_current.intermittent',
    steps: [
      [0, 299.9, ''],
      [15, 100, ''],
      [30, 299.9, ''],
      [45, 100, ''],
      [60, 299.9, ''],
    ],
  },
];

describe('RiskEvaluator with the default rules', () => {
  it.each(scenarios)('$name', ({ type, metric, ruleId, steps }) => {
    const sut = new RiskEvaluator();
    const seen = steps.map(([sec, value]) =>
      sut
        .evaluate({ deviceId: 'D', deviceType: type, ts: s(sec), readings: { [metric]: value } })
        .filter((t) => t.ruleId === ruleId)
        .map((t) => `${t.type} ${t.grade}`)
        .join(', '),
    );
    expect(seen).toEqual(steps.map(([, , expected]) => expected));
  });

  it('fills every field of a transition and writes a readable message', () => {
    const sut = new RiskEvaluator();
    const [raised] = sut.evaluate({ deviceId: 'D1', deviceType: 'heat_detector', ts: s(0), readings: { temperature: 71.5 } });
    expect(raised).toEqual({
      type: 'raised',
      ruleId: 'temperature.fixed',
      class: 'fire',
      metric: 'temperature',
      grade: 'orange',
      value: 71.5,
      at: s(0),
      message: 'temperature 71.5 °C above 57 °C',
    });
  });

  it.each([
    ['gas_detector', { gas_lel: 55 }, 1, 'gas_lel 30 %LEL above 25 %LEL (was red)'],
    ['electrical_fire_monitor', { residual_current: 350 }, 10, 'residual_current 350 mA above 300 mA for 10 s'],
    ['hydrant_monitor', { hydrant_pressure: 0.05 }, 30, 'hydrant_pressure 0.05 MPa below 0.1 MPa for 30 s'],
    ['fire_lane_camera', { fire_lane_blocked: true }, 60, 'fire lane blocked for 60 s'],
  ] as const)('message of %s', (type, readings, afterS, message) => {
    const sut = new RiskEvaluator();
    sut.evaluate({ deviceId: 'D', deviceType: type, ts: s(0), readings });
    const next = type === 'gas_detector' ? { gas_lel: 30 } : readings;
    const [t] = sut.evaluate({ deviceId: 'D', deviceType: type, ts: s(afterS), readings: next });
    expect(t.message).toBe(message);
  });

  it('reports the measured rise per minute as the value of a rate-of-rise transition', () => {
    const sut = new RiskEvaluator();
    sut.evaluate({ deviceId: 'D', deviceType: 'heat_detector', ts: s(0), readings: { temperature: 20 } });
    const [t] = sut.evaluate({ deviceId: 'D', deviceType: 'heat_detector', ts: s(45), readings: { temperature: 32.5 } });
    expect(t).toMatchObject({
      ruleId: 'temperature.rate-of-rise',
      value: 16.67,
      message: 'temperature rising 16.67 °C/min over 60 s, above 10 °C/min',
    });
  });

  it('grades a smoke detector on smoke and heat in one reading', () => {
    const sut = new RiskEvaluator();
    const ts = sut.evaluate({ deviceId: 'D', deviceType: 'smoke_detector', ts: s(0), readings: { smoke: true, temperature: 70 } });
    expect(ts.map((t) => t.ruleId)).toEqual(['smoke.alarm', 'temperature.fixed']);
  });

  it.each([
    ['the same timestamp', 0],
    ['an earlier timestamp', -5],
  ])('ignores a reading with %s as the last one', (_, offsetS) => {
    const sut = new RiskEvaluator();
    sut.evaluate({ deviceId: 'D', deviceType: 'heat_detector', ts: s(10), readings: { temperature: 20 } });
    expect(sut.evaluate({ deviceId: 'D', deviceType: 'heat_detector', ts: s(10 + offsetS), readings: { temperature: 90 } })).toEqual([]);
    expect(sut.isActive('D', 'temperature.fixed')).toBe(false);
  });

  it('ignores metrics without a rule for the device type and values of the wrong type', () => {
    const sut = new RiskEvaluator();
    expect(sut.evaluate({ deviceId: 'D', deviceType: 'heat_detector', ts: s(0), readings: { gas_lel: 90, temperature: true } })).toEqual(
      [],
    );
    expect(sut.evaluate({ deviceId: 'D', deviceType: 'heat_detector', ts: s(1), readings: { temperature: Number.NaN } })).toEqual([]);
  });

  it('keeps devices apart', () => {
    const sut = new RiskEvaluator();
    sut.evaluate({ deviceId: 'A', deviceType: 'heat_detector', ts: s(0), readings: { temperature: 90 } });
    expect(sut.isActive('A', 'temperature.fixed')).toBe(true);
    expect(sut.isActive('B', 'temperature.fixed')).toBe(false);
    expect(sut.evaluate({ deviceId: 'B', deviceType: 'heat_detector', ts: s(0), readings: { temperature: 20 } })).toEqual([]);
  });

  it('lists the active findings of a device', () => {
    const sut = new RiskEvaluator();
    sut.evaluate({ deviceId: 'G', deviceType: 'gas_detector', ts: s(0), readings: { gas_lel: 60, co: 10 } });
    expect(sut.activeFindings('G')).toEqual([{ ruleId: 'gas_lel.high', metric: 'gas_lel', grade: 'red', raisedAt: s(0) }]);
    expect(sut.activeFindings('nobody')).toEqual([]);
  });

  it('forgets a device entirely', () => {
    const sut = new RiskEvaluator();
    sut.evaluate({ deviceId: 'D', deviceType: 'heat_detector', ts: s(10), readings: { temperature: 90 } });
    sut.forget('D');
    expect(sut.isActive('D', 'temperature.fixed')).toBe(false);
    expect(sut.evaluate({ deviceId: 'D', deviceType: 'heat_detector', ts: s(5), readings: { temperature: 90 } })).toHaveLength(1);
  });

  it('starts a device over when it comes back as another type', () => {
    const sut = new RiskEvaluator();
    sut.evaluate({ deviceId: 'D', deviceType: 'heat_detector', ts: s(10), readings: { temperature: 90 } });
    expect(sut.evaluate({ deviceId: 'D', deviceType: 'co_detector', ts: s(5), readings: { co: 30 } })).toHaveLength(1);
    expect(sut.isActive('D', 'temperature.fixed')).toBe(false);
  });

  it('keeps a bounded window of samples however often a device reports', () => {
    const sut = new RiskEvaluator();
    const raisedAt: number[] = [];
    for (let sec = 0; sec < 600; sec++) {
      const temperature = sec < 300 ? 20 : 20 + (sec - 300) * 0.25;
      for (const t of sut.evaluate({ deviceId: 'D', deviceType: 'heat_detector', ts: s(sec), readings: { temperature } })) {
        if (t.ruleId === 'temperature.rate-of-rise' && t.type === 'raised') raisedAt.push(sec);
      }
    }
    const state = sut.exportState() as { devices: Record<string, { rules: Record<string, { sampleTs: number[] }> }> };
    expect(state.devices.D.rules['temperature.rate-of-rise'].sampleTs.length).toBeLessThanOrEqual(9);
    expect(raisedAt).toHaveLength(1);
    expect(raisedAt[0]).toBeGreaterThan(300);
    expect(raisedAt[0]).toBeLessThanOrEqual(345);
  });

  describe('changed devices', () => {
    const rateRules = new Set(
      Object.values(defaultRuleSet())
        .flat()
        .filter((r) => r.kind === 'rate-of-rise' || r.kind === 'sudden-drop')
        .map((r) => r.id),
    );
    // A device not seen yet stands where a fresh one does: nothing to write.
    const rulesOf = (sut: RiskEvaluator, id: string, type: DeviceType) => {
      if (sut.knows(id)) return sut.exportDevice(id)!.rules;
      const fresh = new RiskEvaluator();
      fresh.importDevice(id, { type, lastTs: 0, rules: {} });
      return fresh.exportDevice(id)!.rules;
    };
    const standing = (rules: ReturnType<typeof rulesOf>) =>
      JSON.stringify(Object.entries(rules).map(([id, r]) => (rateRules.has(id) ? { ...r, sampleTs: [], sampleV: [] } : r)));

    it('names a device under rules when its standing moved, under windows when only rate samples did, and not when only its last timestamp moved', () => {
      const sut = new RiskEvaluator();
      const types: Array<[DeviceType, MetricName, number, number]> = [
        ['heat_detector', 'temperature', 15, 80],
        ['electrical_fire_monitor', 'residual_current', 100, 600],
        ['hydrant_monitor', 'hydrant_pressure', 0.02, 0.4],
        ['gas_detector', 'gas_lel', 0, 60],
      ];
      let seed = 7;
      const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      const counts = { rules: 0, windows: 0, none: 0 };
      for (let i = 0; i < 5000; i++) {
        const [type, metric, low, high] = types[i % types.length];
        const id = `${type}-${Math.floor(random() * 3)}`;
        const before = rulesOf(sut, id, type);
        // Mostly steady values with the odd excursion, a few seconds apart, so every rule both holds still and moves.
        const value = random() < 0.9 ? low + (high - low) * 0.1 : low + (high - low) * random();
        sut.evaluate({ deviceId: id, deviceType: type, ts: s(i), readings: { [metric]: value } });
        const after = rulesOf(sut, id, type);
        const kind = standing(after) !== standing(before) ? 'rules' : JSON.stringify(after) !== JSON.stringify(before) ? 'windows' : 'none';
        const named = { rules: sut.takeChanged('rules'), windows: sut.takeChanged('windows') };
        expect({ i, id, named }).toEqual({
          i,
          id,
          named: { rules: kind === 'rules' ? [id] : [], windows: kind === 'windows' ? [id] : [] },
        });
        counts[kind]++;
      }
      expect(counts.rules).toBeGreaterThan(100);
      expect(counts.windows).toBeGreaterThan(100);
      expect(counts.none).toBeGreaterThan(1000);
    });

    it('forgets what it named once taken, names nothing for a reading out of order, and a standing change covers the windows', () => {
      const sut = new RiskEvaluator();
      sut.evaluate({ deviceId: 'D', deviceType: 'electrical_fire_monitor', ts: s(10), readings: { residual_current: 400 } });
      expect(sut.takeChanged('rules')).toEqual(['D']);
      expect(sut.takeChanged('rules')).toEqual([]);
      sut.evaluate({ deviceId: 'D', deviceType: 'electrical_fire_monitor', ts: s(5), readings: { residual_current: 100 } });
      expect(sut.takeChanged('rules')).toEqual([]);

      sut.evaluate({ deviceId: 'H', deviceType: 'heat_detector', ts: s(0), readings: { temperature: 20 } });
      sut.evaluate({ deviceId: 'H', deviceType: 'heat_detector', ts: s(60), readings: { temperature: 70 } });
      expect(sut.takeChanged('rules')).toEqual(['H']);
      expect(sut.takeChanged('windows')).toEqual([]);
    });
  });

  it('names again under rules what markChanged is given (a checkpoint that failed)', () => {
    const sut = new RiskEvaluator();
    sut.markChanged(['A', 'B']);
    expect(sut.takeChanged('rules')).toEqual(['A', 'B']);
    expect(sut.takeChanged('rules')).toEqual([]);
  });

  describe('state export and import', () => {
    it('carries a debounce across a restart through plain JSON', () => {
      const before = new RiskEvaluator();
      before.evaluate({ deviceId: 'D', deviceType: 'electrical_fire_monitor', ts: s(0), readings: { residual_current: 400 } });
      const saved: unknown = JSON.parse(JSON.stringify(before.exportState()));

      const sut = new RiskEvaluator();
      sut.importState(saved);
      expect(sut.evaluate({ deviceId: 'D', deviceType: 'electrical_fire_monitor', ts: s(0), readings: { residual_current: 400 } })).toEqual(
        [],
      );
      const [t] = sut.evaluate({ deviceId: 'D', deviceType: 'electrical_fire_monitor', ts: s(10), readings: { residual_current: 400 } });
      expect(t).toMatchObject({ type: 'raised', grade: 'yellow', message: 'residual_current 400 mA above 300 mA for 10 s' });
    });

    it('keeps active rules active, so a restart does not raise them again', () => {
      const before = new RiskEvaluator();
      before.evaluate({ deviceId: 'D', deviceType: 'gas_detector', ts: s(0), readings: { gas_lel: 60 } });
      const sut = new RiskEvaluator();
      sut.importState(JSON.parse(JSON.stringify(before.exportState())));
      expect(sut.exportState()).toEqual(before.exportState());
      expect(sut.isActive('D', 'gas_lel.high')).toBe(true);
      expect(sut.evaluate({ deviceId: 'D', deviceType: 'gas_detector', ts: s(1), readings: { gas_lel: 60 } })).toEqual([]);
    });

    it('replaces whatever state it had', () => {
      const sut = new RiskEvaluator();
      sut.evaluate({ deviceId: 'D', deviceType: 'heat_detector', ts: s(0), readings: { temperature: 90 } });
      sut.importState({ v: 1, devices: {} });
      expect(sut.isActive('D', 'temperature.fixed')).toBe(false);
    });

    it('starts fresh the rules it cannot read and skips devices it cannot read', () => {
      const sut = new RiskEvaluator();
      sut.importState({
        v: 1,
        devices: {
          A: { type: 'gas_detector', lastTs: s(0), rules: { 'gas_lel.high': { active: true, level: 7 }, 'co.high': 'junk' } },
          B: { type: 'no_such_type', lastTs: s(0), rules: {} },
          C: 42,
        },
      });
      expect(sut.isActive('A', 'gas_lel.high')).toBe(false);
      expect((sut.exportState() as { devices: object }).devices).toEqual({ A: expect.any(Object) });
    });

    it.each([null, 'x', { v: 2, devices: {} }, { v: 1 }])('refuses %p', (state) => {
      expect(() => new RiskEvaluator().importState(state)).toThrow('risk evaluator state');
    });
  });

  it('grades a two-level below rule down past hysteresis and clears at once when clearAfterS is 0', () => {
    const rules = defaultRuleSet();
    rules.hydrant_monitor = [
      {
        ...rules.hydrant_monitor[0],
        levels: [
          { grade: 'yellow', threshold: 0.1 },
          { grade: 'orange', threshold: 0.05 },
        ],
        debounceS: 0,
        clearAfterS: 0,
      },
    ];
    const sut = new RiskEvaluator(rules);
    const seen = [0.08, 0.04, 0.06, 0.08, 0.115, 0.13].map((p, i) =>
      sut
        .evaluate({ deviceId: 'H', deviceType: 'hydrant_monitor', ts: s(i), readings: { hydrant_pressure: p } })
        .map((t) => `${t.type} ${t.grade}`)
        .join(),
    );
    expect(seen).toEqual(['raised yellow', 'updated orange', '', 'updated yellow', '', 'cleared yellow']);
  });

  it('evaluates a custom rule set and refuses a broken one', () => {
    const rules: RuleSet = defaultRuleSet();
    rules.heat_detector = [{ ...rules.heat_detector[0], levels: [{ grade: 'yellow', threshold: 40 }] }];
    const sut = new RiskEvaluator(rules);
    expect(sut.evaluate({ deviceId: 'D', deviceType: 'heat_detector', ts: s(0), readings: { temperature: 45 } })[0]).toMatchObject({
      grade: 'yellow',
    });

    rules.heat_detector = [{ ...rules.heat_detector[0], levels: [] }];
    expect(() => new RiskEvaluator(rules)).toThrow('heat_detector rule "temperature.fixed": levels must not be empty');
  });

  describe('sudden-drop and count-in-window rules', () => {
    const dropRule: Rule = {
      id: 'temperature.drop',
      class: 'fire',
      metric: 'temperature',
      kind: 'sudden-drop',
      levels: [
        { grade: 'yellow', threshold: 10 },
        { grade: 'orange', threshold: 20 },
      ],
      debounceS: 0,
      hysteresis: 2,
      clearAfterS: 0,
      windowS: 60,
      description: 'test',
    };
    const doorRule: Rule = {
      id: 'fire_door_open.often',
      class: 'supervisory',
      metric: 'fire_door_open',
      kind: 'count-in-window',
      levels: [{ grade: 'blue', threshold: 1 }],
      debounceS: 0,
      hysteresis: 0,
      clearAfterS: 0,
      windowS: 3600,
      count: 5,
      description: 'test',
    };
    function evaluator(): RiskEvaluator {
      const rules = defaultRuleSet();
      rules.heat_detector = [dropRule];
      rules.fire_door_sensor = [doorRule];
      return new RiskEvaluator(rules);
    }
    function run(sut: RiskEvaluator, type: DeviceType, metric: MetricName, steps: Array<[number, ReadingValue]>): string[] {
      return steps.map(([sec, value]) =>
        sut
          .evaluate({ deviceId: 'D', deviceType: type, ts: s(sec), readings: { [metric]: value } })
          .map((t) => `${t.type} ${t.grade}`)
          .join(', '),
      );
    }

    it.each<[string, Step[]]>([
      [
        'a fall of exactly the threshold over half the window raises',
        [
          [0, 50, ''],
          [30, 45, 'raised yellow'],
        ],
      ],
      [
        'a fall measured over less than half the window is not judged',
        [
          [0, 50, ''],
          [29, 40, ''],
        ],
      ],
      [
        'a steeper fall grades up at once',
        [
          [0, 100, ''],
          [30, 95, 'raised yellow'],
          [40, 80, 'updated orange'],
        ],
      ],
      [
        'holds while the fall stays within hysteresis, clears past it',
        [
          [0, 100, ''],
          [30, 95, 'raised yellow'],
          [45, 90, ''],
          [60, 92, ''],
          [61, 92, 'cleared yellow'],
        ],
      ],
    ])('sudden drop: %s', (_, steps) => {
      expect(
        run(
          evaluator(),
          'heat_detector',
          'temperature',
          steps.map(([t, v]) => [t, v]),
        ),
      ).toEqual(steps.map(([, , e]) => e));
    });

    it.each<[string, Step[]]>([
      [
        '5 openings within an hour raise; the 6th changes nothing',
        [
          [0, true, ''],
          [60, false, ''],
          [120, true, ''],
          [180, false, ''],
          [240, true, ''],
          [300, false, ''],
          [360, true, ''],
          [420, false, ''],
          [480, true, 'raised blue'],
          [540, false, ''],
          [600, true, ''],
        ],
      ],
      [
        'a door held open is one opening',
        [
          [0, true, ''],
          [60, true, ''],
          [120, true, ''],
          [180, true, ''],
          [240, true, ''],
        ],
      ],
      [
        'clears at once (clearAfterS 0) when the first opening leaves the hour',
        [
          [0, true, ''],
          [1, false, ''],
          [2, true, ''],
          [3, false, ''],
          [4, true, ''],
          [5, false, ''],
          [6, true, ''],
          [7, false, ''],
          [8, true, 'raised blue'],
          [3600, false, ''],
          [3601, false, 'cleared blue'],
        ],
      ],
    ])('count in window: %s', (_, steps) => {
      expect(
        run(
          evaluator(),
          'fire_door_sensor',
          'fire_door_open',
          steps.map(([t, v]) => [t, v]),
        ),
      ).toEqual(steps.map(([, , e]) => e));
    });

    it('reports the measured fall per minute and the crossings counted, in value and message', () => {
      const sut = new RiskEvaluator();
      const hydrant = (sec: number, p: number) =>
        sut.evaluate({ deviceId: 'H', deviceType: 'hydrant_monitor', ts: s(sec), readings: { hydrant_pressure: p } });
      hydrant(0, 0.35);
      hydrant(60, 0.35);
      expect(hydrant(120, 0.29)).toEqual([
        expect.objectContaining({
          ruleId: 'hydrant_pressure.sudden-drop',
          value: 0.03,
          message: 'hydrant_pressure falling 0.03 MPa/min over 120 s, above 0.025 MPa/min',
        }),
      ]);
      const monitor = (sec: number, mA: number) =>
        sut
          .evaluate({ deviceId: 'M', deviceType: 'electrical_fire_monitor', ts: s(sec), readings: { residual_current: mA } })
          .filter((t) => t.ruleId === 'residual_current.intermittent');
      [0, 100, 0, 100].forEach((mA, i) => monitor(i, mA === 0 ? 400 : mA));
      expect(monitor(4, 400)).toEqual([
        expect.objectContaining({ type: 'raised', value: 3, message: 'residual_current reached 300 mA 3 times within 600 s' }),
      ]);
      expect(monitor(700, 100)).toEqual([]);
      expect(monitor(760, 100)).toEqual([
        expect.objectContaining({
          type: 'cleared',
          value: 0,
          message: 'residual_current reached 300 mA 0 times within 600 s, fewer than 3',
        }),
      ]);
    });

    it('keeps at most `count` crossings and RATE_SAMPLES + 1 samples per device, however long it runs', () => {
      const sut = evaluator();
      for (let sec = 0; sec < 20_000; sec++) {
        sut.evaluate({ deviceId: 'F', deviceType: 'fire_door_sensor', ts: s(sec), readings: { fire_door_open: sec % 2 === 0 } });
        sut.evaluate({ deviceId: 'T', deviceType: 'heat_detector', ts: s(sec), readings: { temperature: 100 - (sec % 50) } });
      }
      const state = sut.exportState() as { devices: Record<string, { rules: Record<string, { sampleTs: number[] }> }> };
      expect(state.devices.F.rules['fire_door_open.often'].sampleTs).toHaveLength(5);
      expect(state.devices.T.rules['temperature.drop'].sampleTs.length).toBeLessThanOrEqual(9);
    });

    it.each<[string, DeviceType, MetricName, Array<[number, ReadingValue]>]>([
      [
        'a default sudden drop',
        'hydrant_monitor',
        'hydrant_pressure',
        [
          [0, 0.35],
          [60, 0.35],
          [120, 0.3],
          [180, 0.3],
          [240, 0.3],
          [300, 0.3],
          [360, 0.08],
          [420, 0.07],
        ],
      ],
      [
        'a default count in window',
        'electrical_fire_monitor',
        'residual_current',
        [
          [0, 350],
          [15, 100],
          [30, 350],
          [45, 260],
          [60, 350],
          [75, 100],
          [90, 350],
          [700, 100],
          [800, 100],
        ],
      ],
      [
        'a custom count in window',
        'fire_door_sensor',
        'fire_door_open',
        [
          [0, true],
          [1, false],
          [2, true],
          [3, false],
          [4, true],
          [5, false],
          [6, true],
          [7, false],
          [8, true],
          [3601, false],
        ],
      ],
      [
        'a custom sudden drop',
        'heat_detector',
        'temperature',
        [
          [0, 100],
          [30, 95],
          [40, 80],
          [45, 90],
          [60, 92],
          [61, 92],
          [200, 50],
        ],
      ],
    ])('continues %s after a restart at any point, exactly as without one', (_, type, metric, steps) => {
      const expected = run(evaluator(), type, metric, steps);
      for (let cut = 1; cut < steps.length; cut++) {
        const before = evaluator();
        const first = run(before, type, metric, steps.slice(0, cut));
        const after = evaluator();
        after.importState(JSON.parse(JSON.stringify(before.exportState())));
        expect(after.exportState()).toEqual(before.exportState());
        expect([...first, ...run(after, type, metric, steps.slice(cut))]).toEqual(expected);
      }
      expect(expected.join('')).not.toBe('');
    });

    it('starts a count rule fresh from saved state it cannot continue, and reads state saved before `armed` existed', () => {
      const sut = evaluator();
      const saved = (sampleTs: number[], extra: object = {}) => ({
        v: 1,
        devices: {
          D: {
            type: 'fire_door_sensor',
            lastTs: s(10),
            rules: {
              'fire_door_open.often': {
                active: false,
                level: -1,
                pendingSince: null,
                clearingSince: null,
                raisedAt: null,
                sampleTs,
                sampleV: sampleTs.map(() => 1),
                ...extra,
              },
            },
          },
        },
      });
      sut.importState(saved([s(1), s(2), s(3), s(4), s(5), s(6)]));
      expect(
        (sut.exportState() as { devices: { D: { rules: Record<string, { sampleTs: number[] }> } } }).devices.D.rules['fire_door_open.often']
          .sampleTs,
      ).toEqual([]);
      sut.importState(saved([s(1), s(2), s(3), s(4)]));
      expect(run(sut, 'fire_door_sensor', 'fire_door_open', [[11, true]])).toEqual(['raised blue']);
      sut.importState(saved([s(1), s(2), s(3), s(4)], { armed: false }));
      expect(
        run(sut, 'fire_door_sensor', 'fire_door_open', [
          [11, true],
          [12, false],
          [13, true],
        ]),
      ).toEqual(['', '', 'raised blue']);
    });
  });
});
