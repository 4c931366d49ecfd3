import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AllInOneHarness, TOKEN } from '@app/testing/all-in-one.harness';
import { AllInOneModule } from '@app/all-in-one';

const ROOT = join(__dirname, '..');
const SAMPLE = join(ROOT, 'deploy', 'zone-sample');

/** The built CLI, run asynchronously: the system it talks to runs in this very process. */
function zoneImport(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(ROOT, 'dist', 'simulators', 'src', 'zone-import.js'), ...args],
      { env: { ...process.env, NODE_OPTIONS: '' } },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

describe('npm run zone:import', () => {
  const sut = new AllInOneHarness(AllInOneModule, { SEED_ENTERPRISES: '5' });
  const broken = mkdtempSync(join(tmpdir(), 'zone-sample-broken-'));

  beforeAll(() => sut.start());
  afterAll(async () => {
    await sut.dispose();
    rmSync(broken, { recursive: true, force: true });
  });

  const enterpriseIds = async () => (await sut.api('/api/zone/export?kind=enterprises')).body.enterprises.map((e: { id: string }) => e.id);

  it('a dry run of the sample folder reports what it would create and applies nothing; the real run applies it; a second run changes nothing', async () => {
    const before = await enterpriseIds();
    const dry = await zoneImport(SAMPLE, '--dry-run', '--url', sut.baseUrl, '--token', TOKEN);
    expect(dry).toMatchObject({ code: 0, stderr: '' });
    expect(dry.stdout).toContain('dry run, nothing applied');
    expect(dry.stdout).toContain('substations: 3 created, 0 updated, 0 unchanged');
    expect(dry.stdout).toContain('enterprises: 6 created, 0 updated, 0 unchanged');
    expect(dry.stdout).toContain('devices: 21 created, 0 updated, 0 unchanged');
    expect(dry.stdout).toContain('contacts: 9 created, 0 updated, 0 unchanged');
    expect(await enterpriseIds()).toEqual(before);

    const real = await zoneImport(SAMPLE, '--url', sut.baseUrl, '--token', TOKEN);
    expect(real).toMatchObject({ code: 0, stderr: '' });
    expect(real.stdout).toContain('applied');
    expect(real.stdout).toContain('enterprises: 6 created, 0 updated, 0 unchanged');
    expect((await enterpriseIds()).filter((id: string) => id.startsWith('YK-')).sort()).toEqual([
      'YK-E01',
      'YK-E02',
      'YK-E03',
      'YK-E04',
      'YK-E05',
      'YK-E06',
    ]);

    const again = await zoneImport(SAMPLE, '--url', sut.baseUrl, '--token', TOKEN);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('substations: 0 created, 0 updated, 3 unchanged');
    expect(again.stdout).toContain('enterprises: 0 created, 0 updated, 6 unchanged');
    expect(again.stdout).toContain('devices: 0 created, 0 updated, 21 unchanged');
    expect(again.stdout).toContain('contacts: 0 created, 0 updated, 9 unchanged');
  });

  it('a CSV row naming an unknown substation exits 1 naming its line and field, and applies nothing', async () => {
    cpSync(SAMPLE, broken, { recursive: true });
    const file = join(broken, 'enterprises.csv');
    const lines = readFileSync(file, 'utf8').split('\n');
    // Line 4 of the file: YK-E03.
    expect(lines[3].startsWith('YK-E03,')).toBe(true);
    lines[3] = lines[3].replace(',YK-S2,', ',YK-S9,').replace('Hongyuan', 'Hongyuan New');
    writeFileSync(file, lines.join('\n'));
    const before = (await sut.api('/api/zone/export')).body;

    const result = await zoneImport(broken, '--url', sut.baseUrl, '--token', TOKEN);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^error: enterprises row 4 id YK-E03 substationId: /m);
    expect(result.stdout).toContain('YK-S9');
    expect((await sut.api('/api/zone/export')).body).toEqual(before);
  });

  it('usage and connection errors exit 2', async () => {
    expect((await zoneImport(SAMPLE, '--url', sut.baseUrl)).code).toBe(2);
    expect((await zoneImport(join(broken, 'nothing-here'), '--url', sut.baseUrl, '--token', TOKEN)).code).toBe(2);
    expect((await zoneImport(SAMPLE, '--url', 'http://127.0.0.1:1', '--token', TOKEN)).code).toBe(2);
  });
});
