import { parseArgs } from 'node:util';
import { connectAsync, MqttClient } from 'mqtt';
import { DEVICE_TYPES, MetricName, ReadingValue, telemetryTopic } from '@app/contracts';
import { DeviceSeed, generateZone } from '@app/domain';

const USAGE = `npm run simulate -- [--url mqtt://127.0.0.1:1883] [--scenario normal|fire] [--enterprises N] [--enterprise E0001] [--seconds S] [--seed N] [--zone-size N]

  normal  devices of the first N enterprises report ordinary readings at their own intervals
  fire    one enterprise: normal readings, then smoke and a temperature rise on its smoke and heat detectors
`;

function normalReading(type: DeviceSeed['type'], rand: () => number): Partial<Record<MetricName, ReadingValue>> {
  const values: Record<MetricName, () => ReadingValue> = {
    smoke: () => Math.round(rand() * 0.03 * 1000) / 1000,
    temperature: () => Math.round((22 + rand() * 6) * 10) / 10,
    gas_lel: () => Math.round(rand() * 3 * 10) / 10,
    co: () => Math.round(rand() * 8),
    residual_current: () => Math.round(100 + rand() * 80),
    cable_temperature: () => Math.round((30 + rand() * 15) * 10) / 10,
    // Static pressure barely moves; a swing of 0.05 MPa between reports would be the hydrant_pressure.sudden-drop finding.
    hydrant_pressure: () => Math.round((0.32 + rand() * 0.02) * 1000) / 1000,
    fire_lane_blocked: () => false,
    fire_door_open: () => false,
  };
  const readings: Partial<Record<MetricName, ReadingValue>> = {};
  for (const metric of DEVICE_TYPES[type].metrics) readings[metric] = values[metric]();
  return readings;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'mqtt://127.0.0.1:1883' },
      scenario: { type: 'string', default: 'normal' },
      enterprises: { type: 'string', default: '10' },
      enterprise: { type: 'string', default: 'E0001' },
      seconds: { type: 'string', default: '60' },
      seed: { type: 'string', default: '1' },
      'zone-size': { type: 'string', default: '2300' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !['normal', 'fire'].includes(values.scenario)) {
    process.stdout.write(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const zone = generateZone({ enterprises: Number(values['zone-size']), seed: Number(values.seed) });
  const chosen = values.scenario === 'fire' ? [values.enterprise] : zone.enterprises.slice(0, Number(values.enterprises)).map((e) => e.id);
  const devices = zone.devices.filter((d) => chosen.includes(d.enterpriseId));
  if (devices.length === 0) throw new Error(`no devices for ${chosen.join(', ')} in a zone of ${values['zone-size']} enterprises`);

  const client: MqttClient = await connectAsync(values.url, { protocolVersion: 4, clientId: `simulator-${process.pid}` });
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const seq = new Map<string, number>();
  let sent = 0;
  const publish = async (d: DeviceSeed, readings: Partial<Record<MetricName, ReadingValue>>) => {
    const n = (seq.get(d.id) ?? 0) + 1;
    seq.set(d.id, n);
    await client.publishAsync(telemetryTopic(d.enterpriseId, d.id), JSON.stringify({ ts: Date.now(), seq: n, readings }), { qos: 1 });
    sent++;
  };

  const started = Date.now();
  const end = started + Number(values.seconds) * 1000;
  const fireAt = started + 5000;
  const nextDue = new Map(devices.map((d) => [d.id, started + rand() * d.reportIntervalS * 1000]));
  process.stdout.write(`${values.scenario}: ${devices.length} devices of ${chosen.length} enterprise(s) → ${values.url}\n`);
  while (Date.now() < end) {
    const now = Date.now();
    const burning = values.scenario === 'fire' && now >= fireAt;
    for (const d of devices) {
      const detector = d.type === 'smoke_detector' || d.type === 'heat_detector';
      const interval = burning && detector ? 1000 : d.reportIntervalS * 1000;
      if ((nextDue.get(d.id) ?? 0) > now) continue;
      nextDue.set(d.id, now + interval);
      const readings = normalReading(d.type, rand);
      if (burning && detector) {
        const secondsBurning = (now - fireAt) / 1000;
        readings.temperature = Math.round((25 + secondsBurning * 2.5) * 10) / 10;
        if (d.type === 'smoke_detector') readings.smoke = secondsBurning > 2;
      }
      await publish(d, readings);
    }
    process.stdout.write(`\r${Math.round((now - started) / 1000)} s, ${sent} messages${burning ? ', FIRE' : ''}   `);
    await new Promise((r) => setTimeout(r, 200));
  }
  process.stdout.write(`\nsent ${sent} messages\n`);
  await client.endAsync();
}

main().catch((e) => {
  process.stderr.write(`simulate: ${(e as Error).message}\n`);
  process.exit(1);
});
