import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MqttClient } from 'mqtt';
import { IncidentView } from '@app/contracts';
import { waitFor } from '@app/testing';
import { AllInOneHarness } from '@app/testing/all-in-one.harness';
import { AllInOneModule } from '@app/all-in-one';

const ROOT = join(__dirname, '..');
const SAMPLE = join(ROOT, 'deploy', 'zone-sample');
const SAMPLE_ENTERPRISES = ['YK-E01', 'YK-E02', 'YK-E03', 'YK-E04', 'YK-E05', 'YK-E06'];

describe('ZONE_FILE at first start', () => {
  const sut = new AllInOneHarness(AllInOneModule, { ZONE_FILE: SAMPLE });
  let device: MqttClient;

  beforeAll(async () => {
    await sut.start();
    device = await sut.device();
  });
  afterAll(async () => {
    await device?.endAsync();
    await sut.dispose();
  });

  it('loads the sample instead of the demo zone: exactly its enterprises, each graded, and its substations', async () => {
    const page = await sut.api('/api/enterprises?limit=100');
    expect(page.status).toBe(200);
    expect(page.body.total).toBe(6);
    expect(page.body.items.map((e: { id: string }) => e.id).sort()).toEqual(SAMPLE_ENTERPRISES);
    for (const e of page.body.items) expect(['blue', 'yellow', 'orange', 'red']).toContain(e.grade);
    const substations = await sut.api('/api/substations');
    expect(substations.body.map((s: { id: string }) => s.id).sort()).toEqual(['YK-S1', 'YK-S2', 'YK-S3']);
  });

  it('a restart on the same database loads nothing twice', async () => {
    await device.endAsync();
    await sut.stop();
    await sut.start();
    device = await sut.device();
    expect((await sut.api('/api/enterprises?limit=100')).body.total).toBe(6);
    expect((await sut.api('/api/zone/export')).body.devices).toHaveLength(21);
  });

  it("a sample device's smoke alarm over MQTT becomes an incident at its enterprise's substation", async () => {
    await device.publishAsync(
      'sites/YK-E03/devices/YK-E03-D01/telemetry',
      JSON.stringify({ ts: Date.now(), seq: 1, readings: { smoke: true, temperature: 30 } }),
      { qos: 1 },
    );
    const incident = await waitFor(
      async () => {
        const { body } = await sut.api<IncidentView[]>('/api/incidents?status=open&enterpriseId=YK-E03');
        return body.length === 1 ? body[0] : undefined;
      },
      5000,
      'an open incident for YK-E03',
    );
    expect(incident.substationId).toBe('YK-S2');
  });
});

describe('a ZONE_FILE with a bad row', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zone-file-bad-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stops the process at start with exit code 2 and a message naming file, kind, row and field', async () => {
    const sample = join(dir, 'sample');
    cpSync(SAMPLE, sample, { recursive: true });
    const file = join(sample, 'devices.csv');
    writeFileSync(file, readFileSync(file, 'utf8').replace('YK-E02-D02,YK-E02,gas_detector', 'YK-E02-D02,YK-E02,toaster'));
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'apps', 'all-in-one', 'src', 'main.js')], {
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        PORT: '0',
        MQTT_PORT: '0',
        MQTT_HOST: '127.0.0.1',
        DATA_DIR: join(dir, 'data'),
        OPERATOR_TOKEN: 'zone-file-token',
        LOG_LEVEL: 'warn',
        ZONE_FILE: sample,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    // Line 7 of devices.csv: the header, then YK-E01's four devices, YK-E02-D01, YK-E02-D02.
    expect(stderr).toContain(`all-in-one: ${sample}: 1 error(s): devices row 7 id YK-E02-D02 type: `);
  }, 60_000);
});
