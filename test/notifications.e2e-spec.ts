import { join } from 'node:path';
import { connectAsync, MqttClient } from 'mqtt';
import { IncidentView } from '@app/contracts';
import { EmbeddedProcess, waitFor, WebhookReceiver } from '@app/testing';

const SAMPLE = join(__dirname, '..', 'deploy', 'zone-sample');
const TOKEN = 'notifications-operator-token';
const SECRET = 'notifications-e2e-webhook-secret';

/**
 * Issue 15, done when: against a real receiver that checks every signature and counts delivery ids, every incident
 * event of a scripted fire reaches its recipients; with the receiver down for 30 s, and with the process SIGKILLed
 * mid-send, everything arrives afterwards under its delivery id.
 */
describe('notifications to a real webhook receiver', () => {
  const receiver = new WebhookReceiver(SECRET);
  let sut: EmbeddedProcess;
  let device: MqttClient;

  beforeAll(async () => {
    await receiver.start();
    sut = new EmbeddedProcess('notifications', TOKEN, {
      ZONE_FILE: SAMPLE,
      NOTIFY_WEBHOOK_URL: receiver.url,
      NOTIFY_WEBHOOK_SECRET: SECRET,
      NOTIFY_MAX_ATTEMPTS: '20',
      NOTIFY_BACKOFF_BASE_MS: '1000',
      NOTIFY_BACKOFF_CAP_MS: '5000',
      NOTIFY_TIMEOUT_MS: '2000',
      TIMELINE_SECONDS: '4,60,120',
      TIMELINE_RENOTIFY_S: '0',
    });
    await sut.start();
    device = await connectAsync(`mqtt://127.0.0.1:${sut.mqttPort}`, {
      protocolVersion: 4,
      clientId: 'notify-test-device',
      reconnectPeriod: 300,
    });
  }, 120_000);

  afterAll(async () => {
    device?.end(true);
    await sut?.dispose();
    await receiver.stop();
  });

  const fire = async (enterpriseId: string, deviceId: string): Promise<IncidentView> => {
    const payload = JSON.stringify({ ts: Date.now(), readings: { smoke: true, temperature: 80 } });
    await device.publishAsync(`sites/${enterpriseId}/devices/${deviceId}/telemetry`, payload, { qos: 1 });
    return waitFor(
      async () => (await sut.api<IncidentView[]>(`/api/incidents?status=open&enterpriseId=${enterpriseId}`)).body[0],
      15_000,
      `an open incident for ${enterpriseId}`,
    );
  };

  const act = async (incidentId: string, action: string, substationId: string) => {
    const body = action === 'resolve' ? { substationId, outcome: 'confirmed-fire' } : { substationId };
    const res = await sut.api(`/api/incidents/${incidentId}/${action}`, { method: 'POST', body: JSON.stringify(body) });
    expect(res.status).toBe(200);
  };

  /** What the incident says it sent: every row delivered, and each delivered id came in at the receiver. */
  const allDelivered = async (incidentId: string) => {
    const { body } = await sut.api<IncidentView & { notifications?: { status: string }[] }>(`/api/incidents/${incidentId}`);
    const notifications = body.notifications ?? [];
    return notifications.length > 0 && notifications.every((n) => n.status === 'delivered') && notifications;
  };

  const typesFor = (incidentId: string) => receiver.forIncident(incidentId).map((d) => d.body.type);

  const linkTo = (url: string, init: RequestInit = {}) => fetch(url.replace('//localhost:', '//127.0.0.1:'), init);
  const postLink = async (url: string) => {
    const res = await linkTo(url, { method: 'POST' });
    return { status: res.status, body: (await res.json()) as any };
  };
  const S1_DUTY = 'Duty desk, West substation';

  it('a crew acknowledges from the link in its message inside the minute, once, and the compliance report counts it', async () => {
    const incident = await fire('YK-E01', 'YK-E01-D01');
    expect(incident.substationId).toBe('YK-S1');
    const toDuty = await waitFor(
      () => receiver.forIncident(incident.id).find((d) => d.body.type === 'incident.opened' && d.body.recipient?.contactId === 'YK-C07'),
      5000,
      "the opening at YK-S1's duty desk",
    );
    const { acknowledge, arrive } = toDuty.body.actions as { acknowledge: string; arrive: string };
    expect(acknowledge).toMatch(new RegExp(`^http://localhost:${sut.httpPort}/actions/[\\w-]+\\.[\\w-]+$`));
    // Whoever is told without being a substation's contact gets no links.
    const toCenter = receiver
      .forIncident(incident.id)
      .find((d) => d.body.type === 'incident.opened' && d.body.recipient?.name === 'command-center');
    expect(toCenter?.body.actions).toBeUndefined();

    // Opening the link (a phone, or a mail scanner) only shows what it will do.
    const shown = await linkTo(acknowledge);
    expect(shown.status).toBe(200);
    const html = await shown.text();
    expect(html).toContain(S1_DUTY);
    expect(html).toContain('<form method="post">');
    expect((await sut.api<IncidentView>(`/api/incidents/${incident.id}`)).body.milestones[0].at).toBeNull();

    const acknowledged = await postLink(acknowledge);
    expect(acknowledged.status).toBe(200);
    expect(acknowledged.body.milestones[0]).toMatchObject({ name: 'acknowledged', met: true, by: S1_DUTY });
    expect(Date.parse(acknowledged.body.milestones[0].at) - Date.parse(incident.dispatchedAt)).toBeLessThan(4000);

    // Single use, not forgeable, not for another incident.
    expect(await postLink(acknowledge)).toMatchObject({ status: 409, body: { code: 'LINK_USED' } });
    const [claims, signature] = acknowledge.split('/actions/')[1].split('.');
    // A character in the middle: every bit of it is signature (the last one has spare bits).
    const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    expect(await postLink(acknowledge.replace(signature, flipped))).toMatchObject({ status: 403, body: { code: 'LINK_FORGED' } });
    const other = JSON.parse(Buffer.from(claims, 'base64url').toString());
    other[1] = 'INC-someone-else';
    const moved = acknowledge.replace(claims, Buffer.from(JSON.stringify(other)).toString('base64url'));
    expect(await postLink(moved)).toMatchObject({ status: 403, body: { code: 'LINK_FORGED' } });
    expect(await postLink(`${acknowledge.split('/actions/')[0]}/actions/not-a-link`)).toMatchObject({
      status: 400,
      body: { code: 'LINK_MALFORMED' },
    });

    // The page's own form answers a page.
    const arrived = await linkTo(arrive, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(arrived.status).toBe(200);
    expect(await arrived.text()).toContain(`by ${S1_DUTY}`);

    const audit = await sut.api<{ items: any[] }>(`/api/audit?entity=incident&entityId=${incident.id}`);
    expect(audit.body.items.map((i) => [i.action, i.actor.name, i.actor.role])).toEqual(
      expect.arrayContaining([
        ['incident.acknowledge', S1_DUTY, 'substation'],
        ['incident.arrive', S1_DUTY, 'substation'],
      ]),
    );
    await act(incident.id, 'resolve', 'YK-S1');
    const report = await sut.api(`/api/reports/timeline-compliance?substation=YK-S1`);
    expect(report.status).toBe(200);
    expect(report.body.zone.milestones.acknowledged).toMatchObject({ judged: 1, met: 1, reached: 1 });

    await waitFor(() => typesFor(incident.id).includes('incident.resolved'), 10_000, 'the resolution at the receiver');
    const notifications = await waitFor(() => allDelivered(incident.id), 15_000, 'every notification delivered');
    const received = receiver.forIncident(incident.id);
    // The resolution's webhook body carries the incident with its outcome.
    const resolvedBody = received.find((d) => d.body.type === 'incident.resolved')!.body;
    expect(resolvedBody.incident?.resolution).toEqual({ outcome: 'confirmed-fire', cause: null, note: null });
    expect(receiver.badSignatures).toEqual([]);
    expect(received.length).toBe(notifications.length);
    expect(new Set(received.map((d) => d.deliveryId)).size).toBe(received.length);
    for (const d of received) {
      expect(d.body).toMatchObject({ id: d.deliveryId, type: expect.any(String), at: expect.any(String) });
      expect(new Date(d.body.at).toISOString()).toBe(d.body.at);
    }
    // The command center, the substation's duty desk and the enterprise's responsible contact hear of the opening and the end.
    for (const type of ['incident.opened', 'incident.resolved']) {
      const to = received.filter((d) => d.body.type === type).map((d) => d.body.recipient?.contactId ?? d.body.recipient?.name);
      expect(to.sort()).toEqual(['YK-C01', 'YK-C07', 'command-center']);
    }
  }, 90_000);

  it('tells the backup substation of an escalation when nobody acknowledges in time', async () => {
    const incident = await fire('YK-E02', 'YK-E02-D01');
    const escalated = await waitFor(
      () => {
        const told = receiver.forIncident(incident.id).filter((d) => d.body.type === 'incident.escalated');
        return told.length >= 3 && told;
      },
      15_000,
      'the escalation at the receiver',
    );
    const { body } = await sut.api<IncidentView>(`/api/incidents/${incident.id}`);
    const backup = body.escalations[0].backupSubstationId;
    const to = escalated.map((d) => d.body.recipient?.contactId ?? d.body.recipient?.name);
    expect(to).toContain('command-center');
    expect(to).toContain('YK-C07');
    if (backup === 'YK-S2') expect(to).toContain('YK-C08');
    if (backup === 'YK-S3') expect(to).toContain('YK-C09');
    await act(incident.id, 'acknowledge', 'YK-S1');
    await act(incident.id, 'arrive', 'YK-S1');
    await act(incident.id, 'resolve', 'YK-S1');

    // The duty desk's links, never used, expired with the incident.
    const opened = receiver
      .forIncident(incident.id)
      .find((d) => d.body.type === 'incident.opened' && d.body.recipient?.contactId === 'YK-C07');
    expect(await postLink(opened!.body.actions!.arrive)).toMatchObject({ status: 410, body: { code: 'INCIDENT_RESOLVED' } });
    expect((await linkTo(opened!.body.actions!.acknowledge)).status).toBe(410);
  }, 60_000);

  it('delivers everything to a receiver that was down for 30 s, each delivery id arriving', async () => {
    await receiver.stop();
    const incident = await fire('YK-E03', 'YK-E03-D01');
    expect(incident.substationId).toBe('YK-S2');
    await new Promise((r) => setTimeout(r, 30_000));
    expect(typesFor(incident.id)).toEqual([]);
    await receiver.start();

    const notifications = await waitFor(() => allDelivered(incident.id), 30_000, 'every notification delivered after the outage');
    const received = receiver.forIncident(incident.id);
    expect(received.length).toBe(notifications.length);
    expect(received.map((d) => d.body.type)).toContain('incident.opened');
    expect(receiver.badSignatures).toEqual([]);
  }, 120_000);

  it('sends again, under the same delivery ids, what was in flight when the process was SIGKILLed', async () => {
    receiver.mode = 'hold';
    const incident = await fire('YK-E05', 'YK-E05-D01');
    await waitFor(() => receiver.heldCount >= 3, 10_000, 'the notifications of the opening in flight');
    const inFlight = [...receiver.heldIds];
    await sut.kill();
    receiver.mode = 'ok';
    await receiver.stop();
    await receiver.start();
    await sut.start();

    await waitFor(() => inFlight.every((id) => receiver.deliveries.has(id)), 45_000, 'every delivery in flight sent again');
    const notifications = await waitFor(() => allDelivered(incident.id), 30_000, 'every notification of the incident delivered');
    expect(receiver.forIncident(incident.id).length).toBe(notifications.length);
    expect(receiver.badSignatures).toEqual([]);
  }, 150_000);
});
