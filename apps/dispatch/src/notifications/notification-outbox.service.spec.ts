import type { NotifyConfig } from '@app/config';
import { Topics, type NotificationFailedV1 } from '@app/contracts';
import { DEFAULT_NOTIFICATION_ROUTES } from '@app/domain';
import type { ActionLinksRepository, AttemptResult, NotificationRow, NotificationsRepository, ZoneRepository } from '@app/storage';
import { ManualClock, waitFor } from '@app/testing';
import type { Bus, BusMessage, ZoneChanges } from '@app/transport';
import type { NotificationChannel } from './notification-channel';
import { NotificationOutboxService } from './notification-outbox.service';

const T0 = Date.UTC(2026, 4, 6, 7, 0, 0);

/** One stored row, claimed once; finishAttempt records what the sender decided and answers whether the lease held. */
class OneRowOutbox {
  finished: AttemptResult[] = [];
  private claimed = false;

  constructor(
    private readonly row: NotificationRow,
    private readonly leaseHeld = true,
  ) {}

  claimDue(): Promise<NotificationRow[]> {
    const rows = this.claimed ? [] : [this.row];
    this.claimed = true;
    return Promise.resolve(rows);
  }

  finishAttempt(_id: string, _owner: string, result: AttemptResult): Promise<boolean> {
    this.finished.push(result);
    return Promise.resolve(this.leaseHeld);
  }

  nextDueAt(): Promise<Date | null> {
    return Promise.resolve(null);
  }
}

class RecordingBus {
  published: { topic: string; messages: BusMessage<unknown>[] }[] = [];

  publish<T>(topic: string, messages: BusMessage<T>[]): Promise<void> {
    this.published.push({ topic, messages });
    return Promise.resolve();
  }
}

const failing: NotificationChannel = { name: 'webhook', send: () => Promise.resolve({ ok: false, error: 'HTTP 503' }) };

function row(over: Partial<NotificationRow> = {}): NotificationRow {
  return {
    deliveryId: '7b0c3c8e-5d2a-4f57-9c43-2f9d2b1c0a11',
    idempotencyKey: 'I1|incident.opened|webhook|command-center',
    incidentId: 'I1',
    eventType: 'incident.opened',
    channel: 'webhook',
    recipient: 'command-center',
    payload: {},
    status: 'pending',
    attempts: 2,
    nextAttemptAt: new Date(T0),
    lastError: 'HTTP 500',
    createdAt: new Date(T0 - 60_000),
    deliveredAt: null,
    ...over,
  };
}

function service(outbox: OneRowOutbox, bus: RecordingBus, maxAttempts: number) {
  const config: NotifyConfig = {
    webhook: { url: 'http://hooks.example/zone', secret: 's' },
    routesFile: undefined,
    maxAttempts,
    backoffBaseMs: 1000,
    backoffCapMs: 60_000,
    timeoutMs: 5000,
    publicUrl: 'http://localhost:3000',
    email: undefined,
    sms: undefined,
    commandCenter: {},
  };
  return new NotificationOutboxService(
    bus as unknown as Bus,
    new ManualClock(T0),
    config,
    DEFAULT_NOTIFICATION_ROUTES,
    [failing],
    outbox as unknown as NotificationsRepository,
    {} as ZoneRepository,
    {} as ActionLinksRepository,
    {} as ZoneChanges,
  );
}

describe('NotificationOutboxService, a channel that fails', () => {
  let sut: NotificationOutboxService | null = null;

  afterEach(async () => {
    await sut?.onApplicationShutdown();
    sut = null;
  });

  it('on the last attempt records the row failed and announces notification.failed on notifications.v1', async () => {
    const outbox = new OneRowOutbox(row());
    const bus = new RecordingBus();
    sut = service(outbox, bus, 3);

    sut.wake();
    await waitFor(() => bus.published[0], 2000, 'an announcement');

    expect(outbox.finished).toEqual([{ status: 'failed', attempts: 3, error: 'HTTP 503', at: T0 }]);
    expect(bus.published).toEqual([
      {
        topic: Topics.notifications,
        messages: [
          {
            key: 'I1',
            headers: { correlationId: row().deliveryId },
            value: {
              v: 1,
              type: 'notification.failed',
              deliveryId: row().deliveryId,
              incidentId: 'I1',
              channel: 'webhook',
              recipient: 'command-center',
              event: 'incident.opened',
              attempts: 3,
              lastError: 'HTTP 503',
              at: T0,
            } satisfies NotificationFailedV1,
          },
        ],
      },
    ]);
  });

  it('announces nothing while attempts remain, nor when its lease ran out and another sender has the row', async () => {
    const retrying = new OneRowOutbox(row());
    const bus = new RecordingBus();
    sut = service(retrying, bus, 10);
    sut.wake();
    await waitFor(() => retrying.finished[0], 2000, 'the attempt recorded');
    expect(retrying.finished[0]).toMatchObject({ status: 'pending', attempts: 3 });
    await sut.onApplicationShutdown();

    const lost = new OneRowOutbox(row(), false);
    sut = service(lost, bus, 3);
    sut.wake();
    await waitFor(() => lost.finished[0], 2000, 'the attempt recorded');
    await sut.onApplicationShutdown();
    expect(lost.finished[0]).toMatchObject({ status: 'failed' });
    expect(bus.published).toEqual([]);
  });
});
