import { DeviceSeed, generateZone } from '@app/domain';
import { CommandCenterClient } from './command-center-client';
import { issueDeviceCredentials } from './device-credentials';
import { DeviceLinks, LinkOptions } from './device-links';
import { Fleet } from './fleet';
import { driveFleet, TimedAction } from './fleet-driver';
import { ProgressLine } from './progress-line';
import { PublishStats } from './publish-stats';
import { rawMessage } from './raw-message';
import { castScenario, ScenarioCast } from './scenario-cast';
import { ScenarioClock } from './scenario-clock';
import { CheckResult, evaluateChecks } from './scenario-expectations';
import { Scenario, ScenarioStep } from './scenario.schema';

export interface ScenarioRunOptions {
  scenario: Scenario;
  /** MQTT broker. */
  url: string;
  speed?: number;
  zoneSize: number;
  seed: number;
  link?: Partial<Omit<LinkOptions, 'url'>>;
  /** Replaces the first enterprise alias's choice. */
  enterpriseIds?: string[];
  avoidEnterprises?: ReadonlySet<string>;
  /** Check the scenario's expectations against this command center afterwards. */
  expect?: { apiUrl: string; token: string };
  /** First issue every device of the cast a new MQTT secret through this command center (operator token); each device then logs in with it. */
  issueCredentials?: { apiUrl: string; token: string };
  log?: (line: string) => void;
  progress?: boolean;
}

export interface ScenarioRunResult {
  cast: ScenarioCast;
  stats: PublishStats;
  checks: CheckResult[];
  passed: boolean;
}

const POLL_MS = 500;

/** Runs a scenario against a broker and, when asked, checks what the system shows afterwards. */
export async function runScenario(o: ScenarioRunOptions): Promise<ScenarioRunResult> {
  const log = o.log ?? (() => undefined);
  const { scenario } = o;
  const cast = castScenario(scenario, generateZone({ enterprises: o.zoneSize, seed: o.seed }), {
    enterpriseIds: o.enterpriseIds,
    avoid: o.avoidEnterprises,
  });
  const api = o.expect ? new CommandCenterClient(o.expect.apiUrl, o.expect.token) : null;
  if (o.expect && !scenario.expect) throw new Error(`scenario ${scenario.name} has no expect section`);
  const deadLettersBefore = api ? await api.deadLettersByReason() : {};

  const stats = new PublishStats();
  let link = o.link;
  if (o.issueCredentials) {
    const credentials = await issueDeviceCredentials(
      new CommandCenterClient(o.issueCredentials.apiUrl, o.issueCredentials.token),
      cast.devices.map((d) => d.id),
    );
    log(`${scenario.name}: issued MQTT credentials for ${credentials.size} devices through ${o.issueCredentials.apiUrl}`);
    link = { ...link, credentials };
  }
  const links = new DeviceLinks({ connectionPerDevice: false, connections: 4, ...link, url: o.url }, stats);
  const progress = new ProgressLine(stats, () => scenario.name);
  log(
    `${scenario.name}: ${Object.entries(cast.enterprises)
      .map(([a, ids]) => `${a}=${ids.join(',')}`)
      .join(' ')}; ${cast.devices.length} devices, ${scenario.durationS} s at speed ${o.speed ?? 1} → ${o.url}`,
  );
  try {
    await links.open(cast.devices);
    const clock = new ScenarioClock(Date.now(), o.speed ?? 1, scenario.durationS);
    const fleet = new Fleet(cast.devices, o.seed, clock, links, stats);
    const byId = new Map(cast.devices.map((d) => [d.id, d]));
    const actions: TimedAction[] = scenario.timeline.map((step) => ({
      at: step.at,
      run: () => perform(step, fleet, links, cast, byId, clock),
    }));
    if (o.progress) progress.start();
    await driveFleet({ fleet, clock, stats, durationS: scenario.durationS, actions });
  } finally {
    progress.stop();
    await links.close();
  }
  log(`${scenario.name}: ${stats.summary()}`);

  let checks: CheckResult[] = [];
  if (api && scenario.expect) {
    const deadline = Date.now() + scenario.expect.withinS * 1000;
    for (;;) {
      checks = await evaluateChecks(scenario.expect.checks, api, cast.enterprises, deadLettersBefore);
      if (checks.every((c) => c.passed) || Date.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    for (const c of checks) log(`${c.passed ? 'PASS' : 'FAIL'}  ${c.detail}`);
  }
  return { cast, stats, checks, passed: checks.every((c) => c.passed) };
}

async function perform(
  step: ScenarioStep,
  fleet: Fleet,
  links: DeviceLinks,
  cast: ScenarioCast,
  byId: Map<string, DeviceSeed>,
  clock: ScenarioClock,
): Promise<void> {
  const ids = step.devices === undefined ? [] : cast.groups[step.devices];
  switch (step.do) {
    case 'set':
      if (step.intervalS) fleet.reportEvery(ids, step.intervalS, step.at);
      fleet.set(ids, step.metrics, step.at);
      return;
    case 'ramp':
      if (step.intervalS) fleet.reportEvery(ids, step.intervalS, step.at);
      fleet.ramp(ids, step.metrics, step.at);
      return;
    case 'normal':
      fleet.normal(ids, step.at);
      return;
    case 'offline':
      await fleet.offline(ids, step.mode);
      return;
    case 'online':
      await fleet.online(ids, step.at);
      return;
    case 'raw': {
      const ts = clock.timestampAt(step.at);
      const senders = step.devices === undefined ? [null] : ids.map((id) => byId.get(id)!);
      const sends: Promise<void>[] = [];
      for (const device of senders) {
        const { topic, payload } = rawMessage(step, device, ts);
        for (let i = 0; i < step.repeat; i++) sends.push(links.publish(device?.id ?? null, topic, payload, step.qos));
      }
      await Promise.all(sends);
      return;
    }
  }
}
