import { firstValueFrom } from 'rxjs';
import { Topics, type NotificationFailedV1 } from '@app/contracts';
import { ManualClock, waitFor } from '@app/testing';
import { InProcessBus } from '@app/transport';
import { LiveStreamService } from './live-stream.service';

const failed: NotificationFailedV1 = {
  v: 1,
  type: 'notification.failed',
  deliveryId: '7b0c3c8e-5d2a-4f57-9c43-2f9d2b1c0a11',
  incidentId: 'I1',
  channel: 'webhook',
  recipient: 'contact:C1',
  event: 'incident.escalated',
  attempts: 10,
  lastError: 'HTTP 503',
  at: Date.UTC(2026, 4, 6, 7, 0, 0),
};

describe('LiveStreamService', () => {
  const bus = new InProcessBus();
  const sut = new LiveStreamService(bus, new ManualClock(Date.UTC(2026, 4, 6, 7, 0, 0)));

  beforeAll(() => sut.onApplicationBootstrap());
  afterAll(() => bus.close());

  it('forwards a notification given up on (notifications.v1) as notification.failed, to live clients and the replay buffer', async () => {
    const live = firstValueFrom(sut.events);
    await bus.publish<NotificationFailedV1>(Topics.notifications, [{ key: 'I1', value: failed }]);

    await expect(live).resolves.toEqual({ id: 1, type: 'notification.failed', data: failed });
    await waitFor(() => sut.since(0)[0], 1000, 'the event kept for replay');
    expect(sut.since(0)).toEqual([{ id: 1, type: 'notification.failed', data: failed }]);
  });
});
