import { FloodLimiter } from '@app/domain';
import { ManualClock } from '@app/testing';
import { KnownDevice, TelemetryValidator } from './telemetry-validator';

const NOW = Date.parse('2026-11-25T10:00:00Z');
const devices: Record<string, KnownDevice> = {
  'E0001-D01': { id: 'E0001-D01', enterpriseId: 'E0001', type: 'smoke_detector', status: 'active' },
  'E0001-D02': { id: 'E0001-D02', enterpriseId: 'E0001', type: 'gas_detector', reportIntervalS: 5, status: 'active' },
  'E0001-D03': { id: 'E0001-D03', enterpriseId: 'E0001', type: 'smoke_detector', status: 'retired' },
};
const topic = (device = 'E0001-D01', enterprise = 'E0001', channel = 'telemetry') => `sites/${enterprise}/devices/${device}/${channel}`;

function makeSut() {
  return new TelemetryValidator((id) => devices[id], { maxClockSkewMs: 300_000, maxReadingAgeMs: 86_400_000 });
}

function run(sut: TelemetryValidator, payload: unknown, t = topic()) {
  const buf = Buffer.isBuffer(payload) ? payload : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
  return sut.validate({ topic: t, payload: buf, receivedAt: NOW, correlationId: 'c-1' });
}

describe('TelemetryValidator', () => {
  it('accepts a reading with an ISO timestamp and one with epoch milliseconds', () => {
    const sut = makeSut();
    const a = run(sut, { ts: '2026-11-25T09:59:59Z', readings: { smoke: false, temperature: 21.5 } });
    const b = run(sut, { ts: NOW - 1000, seq: 7, readings: { smoke: 0.02 } });
    expect(a.deadLetters).toEqual([]);
    expect(a.readings).toEqual([
      expect.objectContaining({
        v: 1,
        deviceId: 'E0001-D01',
        enterpriseId: 'E0001',
        deviceType: 'smoke_detector',
        ts: NOW - 1000,
        readings: { smoke: false, temperature: 21.5 },
        correlationId: 'c-1',
      }),
    ]);
    expect(b.readings[0]).toMatchObject({ seq: 7, ts: NOW - 1000 });
  });

  it("carries the device's registered report interval, by which the risk engine judges its presence", () => {
    const sut = makeSut();
    expect(run(sut, { ts: NOW, readings: { gas_lel: 1 } }, topic('E0001-D02')).readings[0]).toMatchObject({ reportIntervalS: 5 });
    expect(run(sut, { ts: NOW, readings: { smoke: false } }).readings[0].reportIntervalS).toBeUndefined();
  });

  it("refuses a retired device's telemetry and status as retired-device, naming the device; its neighbour still passes", () => {
    const sut = makeSut();
    const telemetry = run(sut, { ts: NOW, readings: { smoke: true } }, topic('E0001-D03'));
    const status = run(sut, { online: true, ts: NOW }, topic('E0001-D03', 'E0001', 'status'));
    for (const result of [telemetry, status]) {
      expect(result.readings).toEqual([]);
      expect(result.statuses).toEqual([]);
      expect(result.deadLetters).toEqual([expect.objectContaining({ reason: 'retired-device', deviceId: 'E0001-D03' })]);
    }
    expect(run(sut, { ts: NOW, readings: { smoke: true } }).readings).toHaveLength(1);
  });

  it('splits a batch: valid objects pass, each bad one is dead-lettered alone', () => {
    const result = run(makeSut(), [
      { ts: NOW - 2000, readings: { temperature: 20 } },
      { ts: NOW - 1000, readings: { temperature: '21' } },
      { ts: NOW, readings: { humidity: 40 } },
      { ts: NOW, readings: { temperature: 22 } },
    ]);
    expect(result.readings.map((r) => r.readings.temperature)).toEqual([20, 22]);
    expect(result.deadLetters.map((d) => d.reason)).toEqual(['wrong-type', 'unknown-metric']);
    expect(JSON.parse(result.deadLetters[0].payload)).toEqual({ ts: NOW - 1000, readings: { temperature: '21' } });
  });

  it.each([
    ['oversized', Buffer.alloc(70 * 1024, 'a'), topic()],
    ['malformed-json', '{"ts": 1, "readings": {', topic()],
    ['malformed-json', '{"ts": 1, "readings": {"temperature": NaN}}', topic()],
    ['invalid-payload', { readings: { temperature: 20 } }, topic()],
    ['invalid-payload', { ts: NOW, readings: {} }, topic()],
    ['invalid-payload', { ts: 'yesterday', readings: { temperature: 20 } }, topic()],
    ['invalid-payload', { ts: NOW, readings: { temperature: 20 }, extra: true }, topic()],
    ['invalid-payload', [], topic()],
    ['invalid-payload', 42, topic()],
    ['wrong-type', { ts: NOW, readings: { temperature: '20' } }, topic()],
    ['wrong-type', { ts: NOW, readings: { temperature: true } }, topic()],
    ['wrong-type', { ts: NOW, readings: { gas_lel: null } }, topic('E0001-D02')],
    // Valid JSON whose number overflows to Infinity when parsed.
    ['wrong-type', `{"ts": ${NOW}, "readings": {"temperature": 1e400}}`, topic()],
    ['unknown-metric', { ts: NOW, readings: { gas_lel: 3 } }, topic()],
    ['unknown-metric', { ts: NOW, readings: { constructor: 3 } }, topic()],
    ['unknown-device', { ts: NOW, readings: { temperature: 20 } }, topic('E0009-D99', 'E0009')],
    ['enterprise-mismatch', { ts: NOW, readings: { temperature: 20 } }, topic('E0001-D01', 'E0002')],
    ['unknown-topic', { ts: NOW, readings: { temperature: 20 } }, 'sites/E0001/devices/E0001-D01/config'],
    ['unknown-topic', { ts: NOW, readings: { temperature: 20 } }, 'factory/E0001/smoke'],
    ['future-timestamp', { ts: NOW + 3_600_000, readings: { temperature: 20 } }, topic()],
    ['stale-timestamp', { ts: NOW - 2 * 86_400_000, readings: { temperature: 20 } }, topic()],
    ['invalid-payload', { ts: -1000, readings: { temperature: 20 } }, topic()],
  ])('dead-letters %s: %j', (reason, payload, t) => {
    const result = run(makeSut(), payload, t);
    expect(result.readings).toEqual([]);
    expect(result.deadLetters).toHaveLength(1);
    expect(result.deadLetters[0]).toMatchObject({ v: 1, source: 'mqtt', reason, correlationId: 'c-1', receivedAt: NOW });
    expect(result.deadLetters[0].detail.length).toBeGreaterThan(0);
  });

  it('keeps at most 2 KiB of a refused payload', () => {
    const result = run(makeSut(), Buffer.alloc(70 * 1024, 'a'));
    expect(result.deadLetters[0].payload.length).toBe(2048);
  });

  it('refuses a repeated sequence number as a duplicate but accepts an older one (out of order)', () => {
    const sut = makeSut();
    expect(run(sut, { ts: NOW - 3000, seq: 10, readings: { temperature: 20 } }).readings).toHaveLength(1);
    const dup = run(sut, { ts: NOW - 3000, seq: 10, readings: { temperature: 20 } });
    expect(dup.deadLetters.map((d) => d.reason)).toEqual(['duplicate']);
    expect(run(sut, { ts: NOW - 5000, seq: 9, readings: { temperature: 19 } }).readings).toHaveLength(1);
    expect(run(sut, { ts: NOW - 1000, seq: 11, readings: { temperature: 21 } }).readings).toHaveLength(1);
  });

  it('dead-letters what the fuzz test found: times beyond a Date, nesting beyond JSON.stringify, a "__proto__" metric', () => {
    const sut = makeSut();
    const farFuture = run(sut, { ts: 9e15, readings: { temperature: 20 } });
    expect(farFuture.deadLetters[0]).toMatchObject({
      reason: 'future-timestamp',
      detail: expect.stringContaining('9000000000000000 ms after the epoch'),
    });

    const deep = '['.repeat(30_000) + ']'.repeat(30_000);
    const batch = run(sut, `[${deep},{"ts":${NOW},"readings":{"temperature":21}}]`);
    expect(batch.readings.map((r) => r.readings)).toEqual([{ temperature: 21 }]);
    expect(batch.deadLetters).toEqual([expect.objectContaining({ reason: 'invalid-payload', payload: expect.stringMatching(/^\[\[\[/) })]);

    const proto = run(sut, `{"ts":${NOW},"readings":{"__proto__":1,"temperature":21}}`);
    expect(proto.readings).toEqual([]);
    expect(proto.deadLetters[0]).toMatchObject({ reason: 'unknown-metric', detail: expect.stringContaining('__proto__') });
  });

  it('refuses a status from a far future or a distant past, as it does a reading', () => {
    const sut = makeSut();
    const status = topic('E0001-D01', 'E0001', 'status');
    expect(run(sut, { online: false, ts: 9e15 }, status).deadLetters.map((d) => d.reason)).toEqual(['future-timestamp']);
    expect(run(sut, { online: false, ts: 0 }, status).deadLetters.map((d) => d.reason)).toEqual(['stale-timestamp']);
    expect(run(sut, { online: true, ts: NOW - 1000 }, status).statuses).toHaveLength(1);
  });

  it('refuses whole messages of a device over its rate as rate-limited, keeping what it sent, and lets it through again at its rate', () => {
    const clock = new ManualClock(NOW);
    const sut = new TelemetryValidator(
      (id) => devices[id],
      { maxClockSkewMs: 300_000, maxReadingAgeMs: 86_400_000 },
      new FloodLimiter({ device: { ratePerS: 1, burst: 2 }, enterprise: { ratePerS: 100, burst: 100 } }, clock),
    );
    const send = (device = 'E0001-D01', payload: unknown = { ts: NOW, readings: { temperature: 20 } }) =>
      sut.validate({ topic: topic(device), payload: Buffer.from(JSON.stringify(payload)), receivedAt: clock.now(), correlationId: 'c-1' });

    expect(send().readings).toHaveLength(1);
    expect(
      send(undefined, [
        { ts: NOW - 1, readings: { temperature: 20 } },
        { ts: NOW, readings: { smoke: true } },
      ]).readings,
    ).toHaveLength(2);
    const refused = send(undefined, { ts: NOW, readings: { smoke: true } });
    expect(refused.readings).toEqual([]);
    expect(refused.deadLetters).toEqual([
      expect.objectContaining({
        reason: 'rate-limited',
        deviceId: 'E0001-D01',
        detail: 'device E0001-D01 is over its limit of 1 messages/s (burst 2)',
        payload: `{"ts":${NOW},"readings":{"smoke":true}}`,
      }),
    ]);
    // Its neighbour is not affected, and the device itself gets its rate.
    expect(send('E0001-D02', { ts: NOW, readings: { gas_lel: 3 } }).readings).toHaveLength(1);
    clock.advance(1000);
    expect(send().readings).toHaveLength(1);
    expect(send().deadLetters.map((d) => d.reason)).toEqual(['rate-limited']);
    // Buckets exist only for registered devices: made-up ids cannot grow the limiter's map.
    expect(
      sut.validate({ topic: topic('E0009-D99', 'E0009'), payload: Buffer.from('{}'), receivedAt: clock.now(), correlationId: 'c' })
        .deadLetters[0].reason,
    ).toBe('unknown-device');
  });

  it('reads a status message, with or without a timestamp', () => {
    const sut = makeSut();
    expect(run(sut, { online: false }, topic('E0001-D01', 'E0001', 'status')).statuses).toEqual([
      expect.objectContaining({ deviceId: 'E0001-D01', online: false, ts: NOW }),
    ]);
    expect(run(sut, { online: 'no' }, topic('E0001-D01', 'E0001', 'status')).deadLetters[0].reason).toBe('invalid-payload');
  });
});
