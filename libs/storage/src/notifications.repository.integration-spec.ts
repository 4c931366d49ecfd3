import { randomUUID } from 'node:crypto';
import { STORAGE_BACKENDS, type TestDatabase } from '@app/testing/storage-backends';
import { NewNotification, NotificationsRepository } from './notifications.repository';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const LEASE = 30_000;

function notification(key: string, over: Partial<NewNotification> = {}): NewNotification {
  return {
    deliveryId: randomUUID(),
    idempotencyKey: key,
    incidentId: 'I1',
    eventType: 'incident.opened',
    channel: 'webhook',
    recipient: 'command-center',
    payload: { type: 'incident.opened', at: new Date(T0).toISOString(), incident: { id: 'I1' } },
    ...over,
  };
}

describe.each(STORAGE_BACKENDS)('NotificationsRepository on $name', (backend) => {
  let db: TestDatabase;
  let sut: NotificationsRepository;

  beforeEach(async () => {
    db = await backend.open();
    sut = new NotificationsRepository(db.sql);
  });

  afterEach(() => db.dispose());

  it('stores a notification once per idempotency key: handling the event again keeps the first delivery id', async () => {
    const first = notification('k1');
    expect(await sut.enqueue([first, notification('k2')], T0)).toBe(2);
    expect(await sut.enqueue([notification('k1'), notification('k3')], T0 + 1000)).toBe(1);
    const rows = await sut.listForIncident('I1');
    expect(rows.map((r) => r.idempotencyKey)).toEqual(['k1', 'k2', 'k3']);
    expect(rows[0]).toEqual({
      ...first,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: new Date(T0),
      lastError: null,
      createdAt: new Date(T0),
      deliveredAt: null,
    });
  });

  it('claims only due pending rows, each once while its lease runs, and again after the lease ran out', async () => {
    await sut.enqueue([notification('k1'), notification('k2')], T0);
    await sut.enqueue([notification('later')], T0 + 60_000);
    const a = await sut.claimDue('sender-a', T0 + 1000, LEASE, 10);
    expect(a.map((r) => r.idempotencyKey).sort()).toEqual(['k1', 'k2']);
    expect(await sut.claimDue('sender-b', T0 + 2000, LEASE, 10)).toEqual([]);
    // sender-a died without finishing: once its lease is over, another sender takes the rows, same delivery ids.
    const b = await sut.claimDue('sender-b', T0 + 1000 + LEASE, LEASE, 10);
    expect(b.map((r) => r.deliveryId).sort()).toEqual(a.map((r) => r.deliveryId).sort());
    expect(await sut.finishAttempt(a[0].deliveryId, 'sender-a', { status: 'delivered', attempts: 1, at: T0 })).toBe(false);
  });

  it('never hands one row to two senders claiming at once', async () => {
    await sut.enqueue(
      Array.from({ length: 40 }, (_, i) => notification(`k${i}`)),
      T0,
    );
    const claims = await Promise.all(['a', 'b', 'c', 'd'].map((owner) => sut.claimDue(owner, T0, LEASE, 15)));
    const ids = claims.flat().map((r) => r.deliveryId);
    expect(ids).toHaveLength(40);
    expect(new Set(ids).size).toBe(40);
  });

  it('records a delivery, a retry with its error and next time, and a final failure; finished rows are not claimed again', async () => {
    await sut.enqueue([notification('ok'), notification('retry'), notification('fail')], T0);
    const claimed = await sut.claimDue('s', T0, LEASE, 10);
    const byKey = new Map(claimed.map((r) => [r.idempotencyKey, r]));
    expect(await sut.finishAttempt(byKey.get('ok')!.deliveryId, 's', { status: 'delivered', attempts: 1, at: T0 + 50 })).toBe(true);
    expect(
      await sut.finishAttempt(byKey.get('retry')!.deliveryId, 's', {
        status: 'pending',
        attempts: 1,
        error: 'HTTP 500',
        nextAttemptAt: T0 + 1000,
      }),
    ).toBe(true);
    expect(
      await sut.finishAttempt(byKey.get('fail')!.deliveryId, 's', { status: 'failed', attempts: 1, error: 'x'.repeat(10_000), at: T0 }),
    ).toBe(true);
    expect(await sut.finishAttempt(byKey.get('ok')!.deliveryId, 's', { status: 'failed', attempts: 2, error: 'late', at: T0 })).toBe(false);

    const ok = await sut.get(byKey.get('ok')!.deliveryId);
    expect(ok).toMatchObject({ status: 'delivered', attempts: 1, deliveredAt: new Date(T0 + 50), lastError: null });
    const failed = await sut.get(byKey.get('fail')!.deliveryId);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed!.lastError!.length).toBe(500);

    expect(await sut.nextDueAt()).toEqual(new Date(T0 + 1000));
    expect(await sut.claimDue('s', T0 + 999, LEASE, 10)).toEqual([]);
    const again = await sut.claimDue('s', T0 + 1000, LEASE, 10);
    expect(again.map((r) => [r.idempotencyKey, r.attempts, r.lastError])).toEqual([['retry', 1, 'HTTP 500']]);
  });

  it('counts a live lease in when the next row falls due, and knows when nothing is pending', async () => {
    expect(await sut.nextDueAt()).toBeNull();
    await sut.enqueue([notification('k1')], T0);
    await sut.claimDue('s', T0, LEASE, 10);
    expect(await sut.nextDueAt()).toEqual(new Date(T0 + LEASE));
  });
});
