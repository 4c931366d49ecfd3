import type { DeadLetterV1 } from '@app/contracts';
import { DeadLettersRepository } from './dead-letters.repository';
import { STORAGE_BACKENDS, type TestDatabase } from '@app/testing/storage-backends';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);

function deadLetter(overrides: Partial<DeadLetterV1> = {}): DeadLetterV1 {
  return {
    v: 1,
    source: 'mqtt',
    topic: 'sites/e-1/devices/d-1/telemetry',
    reason: 'malformed-json',
    detail: 'Unexpected token',
    deviceId: 'd-1',
    payload: '{"ts":',
    receivedAt: T0,
    correlationId: 'c-1',
    ...overrides,
  };
}

describe.each(STORAGE_BACKENDS)('DeadLettersRepository on $name', (backend) => {
  let db: TestDatabase;
  let sut: DeadLettersRepository;

  beforeAll(async () => {
    db = await backend.open();
    sut = new DeadLettersRepository(db.sql);
  });

  afterAll(() => db.dispose());

  it('stores a batch, whatever bytes the payloads hold, and counts by reason', async () => {
    const inserted = await sut.insertBatch([
      deadLetter(),
      deadLetter({ receivedAt: T0 + 1, payload: 'nul\u0000byte "quoted" {braces}, \\back' }),
      deadLetter({ receivedAt: T0 + 2, reason: 'unknown-device', deviceId: null, correlationId: 'c-3' }),
      deadLetter({ receivedAt: T0 + 3, reason: 'future-timestamp', source: 'bus', topic: 'telemetry.v1' }),
    ]);

    expect(inserted).toBe(4);
    await expect(sut.insertBatch([])).resolves.toBe(0);
    await expect(sut.countByReason()).resolves.toEqual({
      'future-timestamp': 1,
      'malformed-json': 2,
      'unknown-device': 1,
    });
  });

  it('lists newest first, by reason and by page', async () => {
    const all = await sut.list();
    expect(all.map((d) => d.reason)).toEqual(['future-timestamp', 'unknown-device', 'malformed-json', 'malformed-json']);
    expect(all[1]).toEqual({
      id: expect.any(Number),
      receivedAt: new Date(T0 + 2),
      source: 'mqtt',
      topic: 'sites/e-1/devices/d-1/telemetry',
      reason: 'unknown-device',
      detail: 'Unexpected token',
      deviceId: null,
      payload: '{"ts":',
      correlationId: 'c-3',
    });
    const malformed = await sut.list({ reason: 'malformed-json' });
    expect(malformed.map((d) => d.payload)).toEqual(['nul\uFFFDbyte "quoted" {braces}, \\back', '{"ts":']);
    expect((await sut.list({ limit: 1, offset: 1 })).map((d) => d.reason)).toEqual(['unknown-device']);
  });

  it('filters by device and pages by keyset: after a dead letter, the rest of the list', async () => {
    await sut.insertBatch([
      deadLetter({ deviceId: 'd-k', receivedAt: T0 + 10 }),
      deadLetter({ deviceId: 'd-k', receivedAt: T0 + 10 }),
      deadLetter({ deviceId: 'd-k', receivedAt: T0 + 9 }),
    ]);

    const all = await sut.list({ deviceId: 'd-k' });
    expect(all.map((d) => d.receivedAt.getTime())).toEqual([T0 + 10, T0 + 10, T0 + 9]);
    expect(all[0].id).toBeGreaterThan(all[1].id);
    const after = (d: (typeof all)[number]) => ({ receivedAt: d.receivedAt, id: d.id });
    expect(await sut.list({ deviceId: 'd-k', after: after(all[0]) })).toEqual(all.slice(1));
    expect(await sut.list({ deviceId: 'd-k', after: after(all[1]), limit: 1 })).toEqual(all.slice(2));
    expect(await sut.list({ deviceId: 'd-k', after: after(all[2]) })).toEqual([]);
  });
});
