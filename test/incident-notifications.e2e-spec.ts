import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MqttClient } from 'mqtt';
import { IncidentView } from '@app/contracts';
import { SseRecorder, waitFor } from '@app/testing';
import { AllInOneHarness, TOKEN } from '@app/testing/all-in-one.harness';
import { AllInOneModule } from '@app/all-in-one';

interface IncidentNotification {
  channel: string;
  recipient: string;
  event: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastError: string | null;
  deliveredAt: string | null;
}
type IncidentDetail = IncidentView & { notifications: IncidentNotification[] };

/** A webhook receiver that answers 204, or 500 while `failing`. */
class Receiver {
  failing = false;
  received = 0;
  private readonly server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      this.received++;
      res.statusCode = this.failing ? 500 : 204;
      res.end();
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Notifications on the incident (GET /api/incidents/{id}) and a notification given up on, on the live stream. */
describe('incident notifications in the all-in-one', () => {
  const receiver = new Receiver();
  let sut: AllInOneHarness;
  const stream = new SseRecorder();
  let device: MqttClient;

  beforeAll(async () => {
    sut = new AllInOneHarness(AllInOneModule, {
      NOTIFY_WEBHOOK_URL: await receiver.start(),
      NOTIFY_WEBHOOK_SECRET: 'e2e-secret',
      NOTIFY_MAX_ATTEMPTS: '2',
      NOTIFY_BACKOFF_BASE_MS: '50',
      NOTIFY_BACKOFF_CAP_MS: '100',
    });
    await sut.start();
    await stream.open(`${sut.baseUrl}/api/stream`, { authorization: `Bearer ${TOKEN}` });
    device = await sut.device();
  });

  afterAll(async () => {
    await device?.endAsync();
    await stream.close();
    await sut?.dispose();
    await receiver.stop();
  });

  const fireAt = async (enterpriseId: string): Promise<IncidentView> => {
    const { body } = await sut.api(`/api/enterprises/${enterpriseId}`);
    const deviceId = body.devices.find((d: { type: string }) => d.type === 'smoke_detector').id as string;
    await device.publishAsync(
      `sites/${enterpriseId}/devices/${deviceId}/telemetry`,
      JSON.stringify({ ts: Date.now(), seq: 1, readings: { smoke: true, temperature: 72 } }),
      { qos: 1 },
    );
    return waitFor(
      async () => (await sut.api<IncidentView[]>(`/api/incidents?status=open&enterpriseId=${enterpriseId}`)).body[0],
      5000,
      `an open incident for ${enterpriseId}`,
    );
  };
  const notificationsOf = (incidentId: string, done: (n: IncidentNotification) => boolean) =>
    waitFor(
      async () => {
        const { body } = await sut.api<IncidentDetail>(`/api/incidents/${incidentId}`);
        const opened = body.notifications.find((n) => n.event === 'incident.opened');
        return opened && done(opened) ? body.notifications : undefined;
      },
      5000,
      `the notification of ${incidentId}'s opening`,
    );

  it('shows a delivered notification on the incident', async () => {
    const incident = await fireAt('E0001');
    const notifications = await notificationsOf(incident.id, (n) => n.status === 'delivered');
    const opened = notifications.find((n) => n.event === 'incident.opened')!;
    const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
    expect(opened).toEqual({
      deliveryId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      createdAt: expect.stringMatching(iso),
      channel: 'webhook',
      recipient: 'command-center',
      event: 'incident.opened',
      status: 'delivered',
      attempts: 1,
      lastError: null,
      deliveredAt: expect.stringMatching(iso),
    });
    expect(receiver.received).toBeGreaterThan(0);
    expect(stream.ofType('notification.failed')).toEqual([]);
  });

  it('shows a notification given up on as failed, and puts notification.failed on the live stream', async () => {
    receiver.failing = true;
    const incident = await fireAt('E0002');
    const notifications = await notificationsOf(incident.id, (n) => n.status === 'failed');
    const opened = notifications.find((n) => n.event === 'incident.opened')!;
    expect(opened).toMatchObject({ status: 'failed', attempts: 2, deliveredAt: null, lastError: expect.stringContaining('500') });

    const event = await waitFor(
      () => stream.ofType('notification.failed').find((e) => e.data.incidentId === incident.id && e.data.event === 'incident.opened'),
      3000,
      'notification.failed on the live stream',
    );
    expect(event.data).toEqual({
      v: 1,
      type: 'notification.failed',
      deliveryId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      incidentId: incident.id,
      channel: 'webhook',
      recipient: 'command-center',
      event: 'incident.opened',
      attempts: 2,
      lastError: opened.lastError,
      at: expect.any(Number),
    });
  });

  it('tells the enterprise’s responsible contact of an opening, and a retired one nothing', async () => {
    receiver.failing = false;
    const contact = (id: string) => ({ id, name: id, role: 'responsible', enterpriseId: 'E0003' });
    for (const id of ['NC-ACTIVE', 'NC-RETIRED'])
      expect((await sut.api('/api/contacts', { method: 'POST', body: JSON.stringify(contact(id)) })).status).toBe(201);
    const retired = await sut.api('/api/contacts/NC-RETIRED', { method: 'PATCH', body: JSON.stringify({ status: 'retired' }) });
    expect(retired.body.status).toBe('retired');

    const incident = await fireAt('E0003');
    const recipients = await waitFor(
      async () => {
        const { body } = await sut.api<IncidentDetail>(`/api/incidents/${incident.id}`);
        const opened = body.notifications.filter((n) => n.event === 'incident.opened');
        return opened.some((n) => n.recipient === 'contact:NC-ACTIVE') ? opened.map((n) => n.recipient) : undefined;
      },
      5000,
      'the responsible contact notified',
    );
    expect(recipients).toContain('command-center');
    expect(recipients).not.toContain('contact:NC-RETIRED');
  });
});
