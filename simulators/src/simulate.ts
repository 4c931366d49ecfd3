import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateZone } from '@app/domain';
import { nonNegative, numberOption, positive, positiveInteger, UsageError } from './cli-numbers';
import { CommandCenterClient } from './command-center-client';
import { issueDeviceCredentials } from './device-credentials';
import { DeviceLinks, LinkOptions } from './device-links';
import { Fleet } from './fleet';
import { driveFleet } from './fleet-driver';
import { selectFleet } from './fleet-selection';
import { ProgressLine } from './progress-line';
import { PublishStats } from './publish-stats';
import { RandomOutages } from './random-outages';
import { ScenarioClock } from './scenario-clock';
import { loadScenario, ScenarioFileError } from './scenario-file';
import { runScenario } from './scenario-runner';

const USAGE = `npm run simulate -- [options]

A fleet of the zone's devices (the same zone as the system's SEED_ENTERPRISES and SEED)
publishing realistic readings over MQTT, or a scenario from simulators/scenarios/.

Fleet:
  --url URL                  MQTT broker (default mqtt://127.0.0.1:1883)
  --zone-size N, --seed N    the zone to simulate (defaults 2300 and 1, as the system's)
  --enterprises N            only the first N enterprises' devices
  --enterprise E0001,E0002   only these enterprises' devices (in a scenario: who plays its first part)
  --seconds S                stop after S seconds (default: run until Ctrl-C)
  --outages N                power cuts per device per day on average, each 1-10 min (default 0)
  --connections N            shared MQTT connections (default 4)
  --connection-per-device    one MQTT connection per device, with its client id and its last will
                             on sites/{e}/devices/{d}/status; only for small fleets (one socket each).
                             On shared connections the broker cannot publish a device's last will:
                             the simulator publishes {"online": false} itself when a device loses power.
  --username T, --password T credentials; {device} and {enterprise} are filled in per device with
                             --connection-per-device

Scenario:
  --scenario FILE|NAME       a scenario file, or the name of one in simulators/scenarios
  --speed N                  run its timeline N times faster (default 1)
  --expect                   afterwards, check its expectations; PASS/FAIL per check, exit 1 on any FAIL

Device credentials (the system's embedded broker wants them unless it runs with MQTT_DEVICE_AUTH=off):
  --issue-credentials        first issue each simulated device a new secret through the command center
                             (POST /api/devices/{id}/credentials, 16 at a time), then connect every device on a
                             connection of its own as username = device id, password = its secret. Replaces the
                             devices' current secrets: never use it on a zone with real devices.

Command center (for --expect and --issue-credentials):
  --api URL                  the command center (default http://127.0.0.1:3000)
  --token T                  operator token (default $OPERATOR_TOKEN)

A progress line goes to stderr when it is a terminal; a summary line is always printed.
`;

function scenarioPath(arg: string): string {
  if (existsSync(arg)) return arg;
  const file = arg.endsWith('.json') ? arg : `${arg}.json`;
  for (const dir of [resolve('simulators/scenarios'), join(__dirname, '../../../simulators/scenarios')]) {
    if (existsSync(join(dir, file))) return join(dir, file);
  }
  throw new UsageError(`--scenario: no file ${arg} and no ${file} in simulators/scenarios`);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'mqtt://127.0.0.1:1883' },
      'zone-size': { type: 'string', default: '2300' },
      seed: { type: 'string', default: '1' },
      enterprises: { type: 'string' },
      enterprise: { type: 'string' },
      seconds: { type: 'string' },
      outages: { type: 'string', default: '0' },
      connections: { type: 'string', default: '4' },
      'connection-per-device': { type: 'boolean', default: false },
      'issue-credentials': { type: 'boolean', default: false },
      username: { type: 'string' },
      password: { type: 'string' },
      scenario: { type: 'string' },
      speed: { type: 'string', default: '1' },
      expect: { type: 'boolean', default: false },
      api: { type: 'string', default: 'http://127.0.0.1:3000' },
      token: { type: 'string', default: process.env.OPERATOR_TOKEN },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const zoneSize = numberOption('zone-size', values['zone-size'], (n) => Number.isInteger(n) && n >= 0)!;
  const seed = numberOption('seed', values.seed, Number.isInteger)!;
  const link: Omit<LinkOptions, 'url'> = {
    connections: numberOption('connections', values.connections, positiveInteger)!,
    connectionPerDevice: values['connection-per-device'],
    username: values.username,
    password: values.password,
  };
  const enterpriseIds = values.enterprise
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const issue = values['issue-credentials'];
  if (issue && !values.token) throw new UsageError('--issue-credentials needs --token or OPERATOR_TOKEN');

  if (values.scenario) {
    if (values.expect && !values.token) throw new UsageError('--expect needs --token or OPERATOR_TOKEN');
    const scenario = loadScenario(scenarioPath(values.scenario));
    const result = await runScenario({
      scenario,
      url: values.url,
      speed: numberOption('speed', values.speed, positive),
      zoneSize,
      seed,
      link,
      enterpriseIds,
      expect: values.expect ? { apiUrl: values.api, token: values.token! } : undefined,
      issueCredentials: issue ? { apiUrl: values.api, token: values.token! } : undefined,
      log,
      progress: true,
    });
    if (values.expect)
      log(
        `${result.passed ? 'PASS' : 'FAIL'}  ${scenario.name}: ${result.checks.filter((c) => c.passed).length}/${result.checks.length} checks`,
      );
    return result.passed ? 0 : 1;
  }

  const devices = selectFleet(generateZone({ enterprises: zoneSize, seed }), {
    enterpriseIds,
    enterprises: numberOption('enterprises', values.enterprises, positiveInteger),
  });
  if (devices.length === 0) throw new UsageError('no devices chosen');
  if (issue) {
    link.credentials = await issueDeviceCredentials(
      new CommandCenterClient(values.api, values.token!),
      devices.map((d) => d.id),
    );
    log(`fleet: issued MQTT credentials for ${link.credentials.size} devices through ${values.api}`);
  }
  const seconds = numberOption('seconds', values.seconds, positive) ?? Infinity;
  const stats = new PublishStats();
  const links = new DeviceLinks({ ...link, url: values.url }, stats);
  const progress = new ProgressLine(stats);
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  log(
    `fleet: ${devices.length} devices of ${new Set(devices.map((d) => d.enterpriseId)).size} enterprises → ${values.url}${link.connectionPerDevice || link.credentials ? ' (a connection each)' : ` (${link.connections} connections)`}`,
  );
  try {
    await links.open(devices);
    const clock = new ScenarioClock(Date.now(), 1, seconds);
    const fleet = new Fleet(devices, seed, clock, links, stats);
    const perDay = numberOption('outages', values.outages, nonNegative)!;
    const outages =
      perDay > 0
        ? new RandomOutages(
            fleet,
            devices.map((d) => d.id),
            perDay,
            seed,
          )
        : null;
    progress.start();
    await driveFleet({ fleet, clock, stats, durationS: seconds, onTick: (s) => outages?.tick(s), signal: stop.signal });
  } finally {
    progress.stop();
    await links.close();
  }
  log(`fleet: ${stats.summary()}`);
  return stats.errors > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`simulate: ${(e as Error).message}\n`);
    if (/not authorized|bad user ?name or password/i.test((e as Error).message)) {
      process.stderr.write(
        'the broker wants device credentials (MQTT_DEVICE_AUTH=required): add --issue-credentials --token $OPERATOR_TOKEN\n',
      );
    }
    if (e instanceof UsageError) process.stderr.write('run with --help for the options\n');
    process.exit(e instanceof UsageError || e instanceof ScenarioFileError ? 2 : 1);
  },
);
