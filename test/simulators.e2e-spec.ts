import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario, parseScenario } from '../simulators/src/scenario-file';
import { runScenario, ScenarioRunResult } from '../simulators/src/scenario-runner';
import { parseRecording, RecordedMessage } from '../simulators/src/recorded-message';
import { replayKey } from '../simulators/src/replay-schedule';
import { startRecording } from '../simulators/src/session-recorder';
import { replaySession } from '../simulators/src/session-replayer';
import { AllInOneHarness, TOKEN } from '@app/testing/all-in-one.harness';
import { AllInOneModule } from '@app/all-in-one';

const SCENARIOS = join(__dirname, '../simulators/scenarios');

/** The simulator against the all-in-one app: scenarios with their expectations, and record + replay. */
describe('simulators: scenarios checked against the running system, record and replay', () => {
  // The harness seeds SEED_ENTERPRISES=20 with seed 1: the simulator must generate the same zone to know the device ids.
  const sut = new AllInOneHarness(AllInOneModule, { OFFLINE_SWEEP_MS: '1000' });
  const used = new Set<string>();
  const dir = mkdtempSync(join(tmpdir(), 'zone-sim-'));
  const url = () => `mqtt://127.0.0.1:${sut.mqttPort}`;

  beforeAll(() => sut.start());
  afterAll(async () => {
    await sut.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(file: string, speed: number): Promise<ScenarioRunResult> {
    const lines: string[] = [];
    const result = await runScenario({
      scenario: loadScenario(join(SCENARIOS, file)),
      url: url(),
      speed,
      zoneSize: 20,
      seed: 1,
      avoidEnterprises: used,
      expect: { apiUrl: sut.baseUrl, token: TOKEN },
      log: (l) => lines.push(l),
    });
    Object.values(result.cast.enterprises)
      .flat()
      .forEach((id) => used.add(id));
    expect(result.stats.errors).toBe(0);
    // On failure the whole PASS/FAIL list shows what the system did instead.
    expect({ passed: result.passed, log: lines }).toEqual({ passed: true, log: expect.any(Array) });
    return result;
  }

  it('factory fire: orange smoke, heat and electrical alarms, a red enterprise, one incident', async () => {
    const result = await run('factory-fire.json', 10);
    expect(result.checks.map((c) => c.check.check)).toContain('openIncidents');
  });

  it('device faults: a fault of its own and a low battery reach the maintenance list, and no crew is dispatched', async () => {
    await run('device-faults.json', 10);
  });

  it('alarm storm: eight smoke alarms at once in one enterprise open ONE incident', async () => {
    const result = await run('alarm-storm.json', 8);
    expect(result.checks.find((c) => c.check.check === 'openIncidents')?.detail).toMatch(/: 1, want exactly 1$/);
  });

  it('bad devices: each kind of bad input is a dead letter with its reason, and nothing is raised', async () => {
    await run('bad-devices.json', 6);
  });

  it('mass power cut: every dark device is a blue offline finding; the neighbour whose power came back has none', async () => {
    await run('mass-power-cut.json', 12);
  });

  it('records a session and replays it with every device in its recorded order', async () => {
    const scenario = parseScenario(
      JSON.stringify({ name: 'short', description: 'two enterprises for a few seconds', durationS: 40, enterprises: { a: { count: 2 } } }),
      'short.json',
    );
    const file = join(dir, 'session.jsonl');
    const recording = await startRecording({ url: url(), out: file, topic: 'sites/#' });
    await runScenario({ scenario, url: url(), speed: 10, zoneSize: 20, seed: 1, avoidEnterprises: used });
    const recorded = parseRecording(readFileSync(file, 'utf8'));
    expect(await recording.stop()).toBeGreaterThanOrEqual(recorded.length);
    const final = parseRecording(readFileSync(file, 'utf8'));
    expect(final.length).toBeGreaterThan(10);
    expect(final.some((m) => m.topic.endsWith('/status'))).toBe(true);

    const perDevice = (ms: RecordedMessage[]) => {
      const byDevice = new Map<string, string[]>();
      for (const m of ms) byDevice.set(replayKey(m.topic), [...(byDevice.get(replayKey(m.topic)) ?? []), `${m.topic} ${m.payload}`]);
      return byDevice;
    };
    // What the simulator sent is in order per device: the sequence numbers rise.
    for (const payloads of perDevice(final.filter((m) => m.topic.endsWith('/telemetry'))).values()) {
      const seqs = payloads.map((p) => JSON.parse(p.slice(p.indexOf(' ') + 1)).seq as number);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }

    const observed = join(dir, 'observed.jsonl');
    const observer = await startRecording({ url: url(), out: observed, topic: 'sites/#' });
    const span = final[final.length - 1].t - final[0].t;
    const started = Date.now();
    const stats = await replaySession(final, { url: url(), speed: 20, lanes: 3 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(span / 20 - 50);
    expect(stats).toMatchObject({ sent: final.length, errors: 0 });
    await new Promise((r) => setTimeout(r, 300));
    await observer.stop();
    const replayed = parseRecording(readFileSync(observed, 'utf8'));
    expect(replayed).toHaveLength(final.length);
    expect(perDevice(replayed)).toEqual(perDevice(final));
  });
});
