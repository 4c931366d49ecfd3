import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MqttClient } from 'mqtt';
import { Browser, chromium, Page } from 'playwright-core';
import { IncidentView } from '@app/contracts';
import { waitFor } from '@app/testing';
import { AllInOneHarness } from '@app/testing/all-in-one.harness';
import { AllInOneModule } from '@app/all-in-one';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', 'test-artifacts');

/**
 * The command center's page in a real browser (Debian's chromium driven by
 * playwright-core): a fire published over MQTT appears on the map and in the
 * incident list, a click acknowledges it and the countdown moves on to the
 * next milestone; a viewer gets no buttons. Leaves a screenshot in test-artifacts/.
 */
describe('dashboard in headless Chromium', () => {
  // Acknowledge within 10 s here, so the test also sees a missed deadline turn red.
  const sut = new AllInOneHarness(AllInOneModule, { TIMELINE_SECONDS: '10,120,300' });
  let browser: Browser;
  let device: MqttClient;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(
        `no Chromium at ${CHROMIUM}: install Debian's chromium (npm test's global setup does when it may) or set CHROMIUM_PATH`,
      );
    mkdirSync(ARTIFACTS, { recursive: true });
    await sut.start();
    device = await sut.device();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await device?.endAsync();
    await sut.dispose();
  });

  async function fire(enterpriseId: string): Promise<IncidentView> {
    const { body } = await sut.api(`/api/enterprises/${enterpriseId}`);
    const detector = body.devices.find((d: { type: string }) => d.type === 'smoke_detector' || d.type === 'gas_detector');
    const readings = detector.type === 'smoke_detector' ? { smoke: true } : { gas_lel: 60 };
    await device.publishAsync(`sites/${enterpriseId}/devices/${detector.id}/telemetry`, JSON.stringify({ ts: Date.now(), readings }), {
      qos: 1,
    });
    return waitFor(
      async () => (await sut.api<IncidentView[]>(`/api/incidents?status=open&enterpriseId=${enterpriseId}`)).body[0],
      5000,
      `an incident at ${enterpriseId}`,
    );
  }

  async function open(token: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${sut.baseUrl}/?token=${encodeURIComponent(token)}`);
    await page.locator('[data-testid="status"]', { hasText: 'live' }).waitFor({ timeout: 10_000 });
    expect(errors).toEqual([]);
    return page;
  }

  it('shows a fire as it happens, acknowledges it with a click and counts down to the next milestone', async () => {
    const page = await open('e2e-operator-token');
    await expect(page.locator('[data-testid="who"]').textContent()).resolves.toContain('operator');
    // The map: eight substations and every enterprise of the zone.
    await expect(page.locator('#map [data-station]').count()).resolves.toBe(8);
    await expect(page.locator('#map circle.e').count()).resolves.toBe(20);
    // Every enterprise has a grade from the start: no grey, ungraded dot.
    await expect(page.locator('#map circle.e:not(.red):not(.orange):not(.yellow):not(.blue)').count()).resolves.toBe(0);
    await expect(page.locator('[data-testid="stations"] tr').count()).resolves.toBe(8);
    await page.locator('[data-testid="compliance"] tr', { hasText: 'Zone' }).waitFor();

    const incident = await fire('E0005');
    const row = page.locator(`tr[data-incident="${incident.id}"]`);
    await row.waitFor({ timeout: 5000 });
    await expect(row.locator('[data-testid="next-deadline"]').textContent()).resolves.toMatch(/^acknowledge in 0:(0\d|10)$/);
    await expect(page.locator('#map circle.e[data-e="E0005"]').getAttribute('class')).resolves.toMatch(/red|orange/);
    await expect(page.locator('#map circle.incident').count()).resolves.toBe(1);
    await page.locator('[data-testid="events"] li', { hasText: 'incident.opened' }).first().waitFor();

    await row.getByRole('button', { name: 'Acknowledge' }).click();
    await row.locator('[data-testid="next-deadline"]', { hasText: /^on scene in [01]:\d\d$/ }).waitFor({ timeout: 5000 });
    await row.getByRole('button', { name: 'Arrived' }).waitFor();
    const stored = (await sut.api<IncidentView>(`/api/incidents/${incident.id}`)).body;
    expect(stored.status).toBe('acknowledged');
    expect(stored.milestones[0]).toMatchObject({ name: 'acknowledged', met: true, by: 'operator' });

    // A second fire nobody acknowledges: its deadline passes and its row turns red.
    const late = await fire('E0006');
    const lateRow = page.locator(`tr[data-incident="${late.id}"]`);
    await lateRow.locator('[data-testid="next-deadline"]', { hasText: /MISSED/ }).waitFor({ timeout: 15_000 });
    await expect(lateRow.getAttribute('class')).resolves.toContain('missed');
    await page.locator('[data-testid="events"] li', { hasText: 'incident.escalation' }).first().waitFor({ timeout: 5000 });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
    await page.close();
  });

  it('gives a viewer the picture but no buttons, and a substation buttons only on its own incidents', async () => {
    const [incident] = (await sut.api<IncidentView[]>('/api/incidents?status=open&enterpriseId=E0005')).body;
    const other = incident.substationId === 'S1' ? 'S2' : 'S1';
    const issue = async (body: object) =>
      (await sut.api('/api/tokens', { method: 'POST', body: JSON.stringify(body) })).body.token as string;

    const viewer = await open(await issue({ role: 'viewer', name: 'duty viewer' }));
    const viewerRow = viewer.locator(`tr[data-incident="${incident.id}"]`);
    await viewerRow.waitFor();
    await expect(viewerRow.locator('button').count()).resolves.toBe(0);
    await viewer.close();

    const stranger = await open(await issue({ role: 'substation', name: 'other chief', substationId: other }));
    await stranger.locator(`tr[data-incident="${incident.id}"]`).waitFor();
    await expect(stranger.locator(`tr[data-incident="${incident.id}"] button`).count()).resolves.toBe(0);
    await stranger.close();

    const own = await open(await issue({ role: 'substation', name: 'station chief', substationId: incident.substationId }));
    const ownRow = own.locator(`tr[data-incident="${incident.id}"]`);
    await ownRow.getByRole('button', { name: 'Arrived' }).click();
    await ownRow.locator('[data-testid="next-deadline"]', { hasText: /^handled in / }).waitFor({ timeout: 5000 });
    await own.close();
  });

  it('asks for a token instead of showing data without one', async () => {
    const page = await browser.newPage();
    await page.goto(sut.baseUrl + '/');
    await page.locator('#login').waitFor({ state: 'visible' });
    await expect(page.locator('[data-testid="status"]').textContent()).resolves.toContain('sign in');
    await expect(page.locator('tr[data-incident]').count()).resolves.toBe(0);
    await page.close();
  });
});
