import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { generateZone } from '@app/domain';
import { castScenario } from './scenario-cast';
import { loadScenario, parseScenario, ScenarioFileError } from './scenario-file';

const DIR = join(__dirname, '../scenarios');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));

const minimal = {
  name: 'x',
  description: 'y',
  durationS: 60,
  enterprises: { plant: { with: { smoke_detector: 1 } } },
  devices: { smoke: { enterprise: 'plant', types: ['smoke_detector'] } },
  timeline: [{ at: 10, do: 'set', devices: 'smoke', metrics: { smoke: true } }],
  expect: { checks: [{ check: 'openIncidents', enterprise: 'plant', min: 1 }] },
};
const parse = (patch: (s: any) => void) => {
  const s = structuredClone(minimal) as any;
  patch(s);
  return () => parseScenario(JSON.stringify(s), 'test.json');
};

describe('scenario files', () => {
  it('ships the scenarios the issue asks for', () => {
    expect(files.sort()).toEqual([
      'alarm-storm.json',
      'bad-devices.json',
      'device-faults.json',
      'factory-fire.json',
      'hydrant-pressure-loss.json',
      'mass-power-cut.json',
      'normal-day.json',
      'slow-gas-leak.json',
    ]);
  });

  it.each(files)('%s is valid, has expectations and casts in the 20-enterprise test zone', (file) => {
    const scenario = loadScenario(join(DIR, file));
    expect(scenario.name).toBe(file.replace(/\.json$/, ''));
    expect(scenario.expect?.checks.length).toBeGreaterThan(0);
    const cast = castScenario(scenario, generateZone({ enterprises: 20, seed: 1 }));
    expect(cast.devices.length).toBeGreaterThan(0);
  });

  it('accepts a minimal scenario and fills in defaults', () => {
    const s = parse(() => undefined)();
    expect(s.enterprises.plant).toMatchObject({ count: 1, noStandingHazards: false });
    expect(s.expect?.withinS).toBe(20);
  });

  it.each([
    ['not JSON', () => parseScenario('{', 'test.json'), /^test\.json: not JSON/],
    ['a missing field', parse((s) => delete s.durationS), /durationS/],
    ['an unknown step', parse((s) => (s.timeline[0].do = 'explode')), /timeline\.0\.do/],
    ['an unknown metric', parse((s) => (s.timeline[0].metrics = { humidity: 3 })), /timeline\.0\.metrics/],
    [
      'a metric the group does not report',
      parse((s) => (s.timeline[0].metrics = { gas_lel: 30 })),
      /timeline\.0\.metrics\.gas_lel: no device of group "smoke" \(smoke_detector\) reports gas_lel/,
    ],
    ['a step after the end', parse((s) => (s.timeline[0].at = 61)), /timeline\.0\.at: at 61 s is after the end/],
    ['an unknown device group', parse((s) => (s.timeline[0].devices = 'heat')), /timeline\.0\.devices: no device group "heat"/],
    [
      'an unknown enterprise alias',
      parse((s) => (s.expect.checks[0].enterprise = 'other')),
      /expect\.checks\.0\.enterprise: no enterprise alias "other"/,
    ],
    ['an unknown device type', parse((s) => (s.enterprises.plant.with = { toaster: 1 })), /enterprises\.plant\.with/],
    ['a count check without bounds', parse((s) => delete s.expect.checks[0].min), /expect\.checks\.0: give min, max or both/],
    [
      'an unknown dead-letter reason',
      parse((s) => (s.expect.checks[0] = { check: 'deadLetters', reason: 'gremlins', min: 1 })),
      /expect\.checks\.0\.reason/,
    ],
    [
      'a raw step with two payloads',
      parse((s) => (s.timeline[0] = { at: 1, do: 'raw', topic: 't', payload: 'a', bytes: 3 })),
      /exactly one of payload, json, base64 or bytes/,
    ],
    ['an unknown field', parse((s) => (s.colour = 'red')), /colour/],
  ])('refuses %s with an error naming the field', (_what, run, message) => {
    expect(run).toThrow(ScenarioFileError);
    expect(run).toThrow(message);
  });

  it('says which enterprise alias cannot be cast in a zone', () => {
    const scenario = parse((s) => (s.enterprises.plant = { with: { gas_detector: 9 } }))();
    expect(() => castScenario(scenario, generateZone({ enterprises: 20, seed: 1 }))).toThrow(
      /enterprise alias "plant": 0 of the 1 enterprises wanted \(9 × gas_detector\)/,
    );
  });

  it('gives each enterprise one part and skips those to avoid', () => {
    const scenario = parse((s) => (s.enterprises.second = { with: { smoke_detector: 1 } }))();
    const cast = castScenario(scenario, generateZone({ enterprises: 20, seed: 1 }), { avoid: new Set(['E0001']) });
    expect(cast.enterprises).toEqual({ plant: ['E0002'], second: ['E0003'] });
    expect(cast.groups.smoke.every((id) => id.startsWith('E0002-'))).toBe(true);
  });
});
