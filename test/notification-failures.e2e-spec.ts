import { IncidentView } from '@app/contracts';
import { SseRecorder, waitFor, WebhookReceiver } from '@app/testing';
import { AllInOneHarness, TOKEN } from '@app/testing/all-in-one.harness';
import { AllInOneModule } from '@app/all-in-one';

const SECRET = 'failures-e2e-secret';

type Detail = IncidentView & {
  notifications: { deliveryId: string; status: string; attempts: number; lastError: string | null; channel: string; event: string }[];
};

/**
 * A receiver that always answers 500: each notification is tried NOTIFY_MAX_ATTEMPTS times under one delivery id,
 * then it is failed — on the incident, on the live stream (notification.failed) and in /metrics — and the
 * system goes on: the next incident is told about as soon as the receiver answers again.
 */
describe('a notification that cannot be delivered', () => {
  const receiver = new WebhookReceiver(SECRET);
  let sut: AllInOneHarness;
  const stream = new SseRecorder();

  beforeAll(async () => {
    await receiver.start();
    // The openings fail; everything else (the notice of a failed opening among them) is taken.
    receiver.failWhen = (body) => body.type === 'incident.opened';
    sut = new AllInOneHarness(AllInOneModule, {
      NOTIFY_WEBHOOK_URL: receiver.url,
      NOTIFY_WEBHOOK_SECRET: SECRET,
      NOTIFY_MAX_ATTEMPTS: '3',
      NOTIFY_BACKOFF_BASE_MS: '100',
      NOTIFY_BACKOFF_CAP_MS: '200',
    });
    await sut.start();
    await stream.open(`${sut.baseUrl}/api/stream`, { authorization: `Bearer ${TOKEN}` });
  }, 60_000);

  afterAll(async () => {
    await stream.close();
    await sut?.dispose();
    await receiver.stop();
  });

  const fire = async (enterpriseId: string) => {
    const { body } = await sut.api<{ devices: { id: string; type: string }[] }>(`/api/enterprises/${enterpriseId}`);
    const detector = body.devices.find((d) => d.type === 'smoke_detector')!;
    const device = await sut.device();
    await device.publishAsync(
      `sites/${enterpriseId}/devices/${detector.id}/telemetry`,
      JSON.stringify({ ts: Date.now(), readings: { smoke: true } }),
      { qos: 1 },
    );
    await device.endAsync();
    return waitFor(
      async () => (await sut.api<IncidentView[]>(`/api/incidents?status=open&enterpriseId=${enterpriseId}`)).body[0],
      10_000,
      `an incident at ${enterpriseId}`,
    );
  };

  it('is tried to the last attempt under one delivery id, then failed on the incident, the live stream and /metrics', async () => {
    const incident = await fire('E0004');
    const failed = await waitFor(
      async () => {
        const { body } = await sut.api<Detail>(`/api/incidents/${incident.id}`);
        const opened = body.notifications.find((n) => n.event === 'incident.opened');
        return opened?.status === 'failed' && opened;
      },
      15_000,
      'the opening notification failed',
    );
    expect(failed).toMatchObject({ channel: 'webhook', attempts: 3, lastError: 'HTTP 500' });
    // The receiver saw the same delivery id on each attempt (each answered 500, so never counted as delivered).
    expect(receiver.attemptsById.get(failed.deliveryId)).toBe(3);
    expect(receiver.deliveries.has(failed.deliveryId)).toBe(false);

    const announced = await waitFor(
      () => stream.ofType('notification.failed').find((e) => (e.data as { deliveryId: string }).deliveryId === failed.deliveryId),
      5000,
      'notification.failed on the live stream',
    );
    expect(announced.data).toMatchObject({ incidentId: incident.id, channel: 'webhook', attempts: 3, lastError: 'HTTP 500' });

    const metrics = (await sut.api<string>('/metrics')).body;
    expect(metrics).toMatch(/zone_notifications_total\{channel="webhook",outcome="failed"\} [1-9]/);
    expect(metrics).toMatch(/zone_notifications_total\{channel="webhook",outcome="retry"\} [1-9]/);

    // The failure is itself a notification (event notification.failed, to the command center by the default routes).
    const told = await waitFor(
      () =>
        receiver.of(
          (d) =>
            d.body.type === 'notification.failed' && (d.body.notification as { deliveryId?: string })?.deliveryId === failed.deliveryId,
        )[0],
      10_000,
      'the notice of the failed delivery at the receiver',
    );
    expect(told.body).toMatchObject({
      recipient: { name: 'command-center' },
      notification: { incidentId: incident.id, lastError: 'HTTP 500' },
    });
  }, 30_000);

  it('keeps the outbox moving: once the receiver answers again, the next incident is delivered', async () => {
    receiver.failWhen = null;
    const incident = await fire('E0007');
    await waitFor(() => receiver.forIncident(incident.id).some((d) => d.body.type === 'incident.opened'), 10_000, 'the delivery');
    const { body } = await sut.api<Detail>(`/api/incidents/${incident.id}`);
    expect(body.notifications.find((n) => n.event === 'incident.opened')).toMatchObject({
      status: 'delivered',
      attempts: 1,
      lastError: null,
    });
    const metrics = (await sut.api<string>('/metrics')).body;
    expect(metrics).toMatch(/zone_notification_delivery_seconds_count\{channel="webhook"\} [1-9]/);
  }, 30_000);
});
