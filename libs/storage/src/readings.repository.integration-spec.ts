import { ReadingsRepository, type ReadingRow, type SeriesPoint } from './readings.repository';
import { STORAGE_BACKENDS, type TestDatabase } from '@app/testing/storage-backends';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const STEP_MS = 5_000;

function readings(): ReadingRow[] {
  const rows: ReadingRow[] = [];
  for (let i = 0; i < 120; i++) {
    rows.push({ ts: T0 + i * STEP_MS, deviceId: 'd-1', metric: 'temperature', value: 20 + (i % 7) });
    rows.push({ ts: T0 + i * STEP_MS, deviceId: 'd-1', metric: 'co', value: i });
    rows.push({ ts: T0 + i * STEP_MS, deviceId: 'd-2', metric: 'co', value: 1000 });
  }
  return rows;
}

/** What a series must contain, computed the obvious way: whole buckets overlapping [from, to). */
function expectedBuckets(rows: ReadingRow[], deviceId: string, from: number, to: number, bucketS: number): SeriesPoint[] {
  const ms = bucketS * 1000;
  const start = Math.floor(from / ms) * ms;
  const end = Math.ceil(to / ms) * ms;
  const groups = new Map<string, number[]>();
  for (const r of rows) {
    if (r.deviceId !== deviceId || r.ts < start || r.ts >= end) continue;
    const key = `${r.metric}|${Math.floor(r.ts / ms) * ms}`;
    groups.set(key, [...(groups.get(key) ?? []), Number(r.value)]);
  }
  return [...groups.entries()]
    .map(([key, values]) => {
      const [metric, bucket] = key.split('|');
      return {
        bucket: new Date(Number(bucket)),
        metric,
        avg: values.reduce((a, b) => a + b, 0) / values.length,
        min: Math.min(...values),
        max: Math.max(...values),
        count: values.length,
      };
    })
    .sort((a, b) => a.metric.localeCompare(b.metric) || a.bucket.getTime() - b.bucket.getTime());
}

describe.each(STORAGE_BACKENDS)('ReadingsRepository on $name', (backend) => {
  let db: TestDatabase;
  let sut: ReadingsRepository;
  const rows = readings();

  beforeAll(async () => {
    db = await backend.open();
    sut = new ReadingsRepository(db.sql);
    await sut.insertBatch(rows);
  });

  afterAll(() => db.dispose());

  it('stores a redelivered batch once', async () => {
    const batch: ReadingRow[] = [
      { ts: T0 - 1000, deviceId: 'd-3', metric: 'fire_door_open', value: true },
      { ts: T0 - 1000, deviceId: 'd-3', metric: 'smoke', value: 0.25 },
      { ts: T0 - 1000, deviceId: 'd-3', metric: 'smoke', value: 0.25 },
    ];
    const before = await sut.count();

    await expect(sut.insertBatch(batch)).resolves.toBe(2);
    await expect(sut.insertBatch(batch)).resolves.toBe(0);

    expect(await sut.count()).toBe(before + 2);
    const points = await sut.series('d-3', new Date(T0 - 2000), new Date(T0), null);
    expect(points.map((p) => [p.metric, p.avg, p.count])).toEqual([
      ['fire_door_open', 1, 1],
      ['smoke', 0.25, 1],
    ]);
  });

  it('counts the new rows of a batch written in several slices, duplicates within and across slices stored once', async () => {
    const at = T0 - 7_200_000;
    const batch: ReadingRow[] = Array.from({ length: 2_500 }, (_, i) => ({
      ts: at + i * 1000,
      deviceId: 'd-slices',
      metric: 'co',
      value: i,
    }));
    const redelivered = [...batch.slice(0, 1_200), ...batch.slice(2_400)];
    const before = await sut.count();

    await expect(sut.insertBatch([...batch, ...batch.slice(900, 1_100)])).resolves.toBe(2_500);
    await expect(sut.insertBatch(redelivered)).resolves.toBe(0);
    await expect(sut.insertBatch([...redelivered, { ts: at - 1000, deviceId: 'd-slices', metric: 'co', value: -1 }])).resolves.toBe(1);

    expect(await sut.count()).toBe(before + 2_501);
  });

  it('returns raw points in [from, to) when no bucket is asked for', async () => {
    const from = T0 + 30_000;
    const to = T0 + 310_000;

    const points = await sut.series('d-1', new Date(from), new Date(to), null);

    expect(points).toHaveLength(2 * 56);
    expect(points[0]).toEqual({ bucket: new Date(from), metric: 'co', avg: 6, min: 6, max: 6, count: 1 });
    expect(points.every((p) => p.bucket.getTime() >= from && p.bucket.getTime() < to)).toBe(true);
  });

  it.each([60, 300, 15])('aggregates whole %i s buckets, the same whichever path serves them', async (bucketS) => {
    const from = T0 + 30_000;
    const to = T0 + 310_000;

    const points = await sut.series('d-1', new Date(from), new Date(to), bucketS);

    const expected = expectedBuckets(rows, 'd-1', from, to, bucketS);
    expect(points.map((p) => ({ ...p, avg: Number(p.avg.toFixed(9)) }))).toEqual(
      expected.map((p) => ({ ...p, avg: Number(p.avg.toFixed(9)) })),
    );
  });

  it('rejects a bucket that is not a positive whole number of seconds', async () => {
    await expect(sut.series('d-1', new Date(T0), new Date(T0 + 60_000), 0.5)).rejects.toThrow(RangeError);
  });

  it('inserts large batches quickly', async () => {
    const n = 20_000;
    const start = Date.now() - 3_600_000;
    const batch: ReadingRow[] = Array.from({ length: n }, (_, i) => ({
      ts: start + Math.floor(i / 100) * 1000,
      deviceId: `bulk-${i % 100}`,
      metric: 'temperature',
      value: i % 50,
    }));

    const t = performance.now();
    const inserted = await sut.insertBatch(batch);
    const ms = performance.now() - t;

    expect(inserted).toBe(n);
    console.info(`${backend.name}: ${n} readings in ${ms.toFixed(0)} ms = ${Math.round((n / ms) * 1000)} rows/s`);
  });
});
