import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import {
  DEAD_LETTER_REASONS,
  reportedMetrics,
  DeviceStatusV1,
  MAX_PAYLOAD_BYTES,
  METRICS,
  MetricName,
  parseDeviceTopic,
  TelemetryReadingV1,
} from '@app/contracts';
import {
  EDGE_DEVICES,
  EDGE_LIMITS,
  EDGE_RETIRED_DEVICE,
  EDGE_NOW as NOW,
  edgeMessage,
  GoodObject,
  goodTopic,
  goodWire,
} from '@app/testing/mqtt-edge-inputs';
import { IncomingMessage, TelemetryValidator, ValidationResult } from './telemetry-validator';

/**
 * The MQTT edge under generated input: garbage of every kind, with known-good
 * messages mixed in. Whatever arrives, the validator returns (never throws),
 * every refusal carries a reason from the contract, everything it accepts
 * keeps the contract's promises, and the good messages come out unchanged.
 */

const LIMITS = EDGE_LIMITS;
const PAYLOAD_KEEP_CHARS = 2048;
/** Sequences of 50 messages; with each garbage payload fed twice (see Garbage) that is over 100,000 payloads. */
const RUNS = 1200;
const PER_RUN = 50;
const byId = new Map([...EDGE_DEVICES, EDGE_RETIRED_DEVICE].map((d) => [d.id, d]));
const REASONS: readonly string[] = DEAD_LETTER_REASONS;

// ---------------------------------------------------------------- properties

function sut(): TelemetryValidator {
  return new TelemetryValidator((id) => byId.get(id), LIMITS);
}

const inTimeWindow = (ts: number) => Number.isInteger(ts) && ts >= NOW - LIMITS.maxReadingAgeMs && ts <= NOW + LIMITS.maxClockSkewMs;

/**
 * Plain checks rather than expect(): they run for every one of the 100,000
 * outcomes, and a failure still names the message fast-check then shrinks.
 */
function check(ok: boolean, what: string, subject: unknown): void {
  if (!ok)
    throw new Error(
      `${what}: ${JSON.stringify(subject, (_k, v) => (typeof v === 'string' && v.length > 300 ? `${v.slice(0, 300)}…` : v))}`,
    );
}

/** What holds for the outcome of any message at all. */
function checkAnyResult(msg: IncomingMessage, result: ValidationResult): void {
  check(result.readings.length + result.statuses.length + result.deadLetters.length > 0, 'no outcome', msg.topic);
  for (const d of result.deadLetters) {
    check(REASONS.includes(d.reason), 'unknown reason', d);
    check(d.detail.length > 0, 'empty detail', d);
    check(d.v === 1 && d.source === 'mqtt' && d.receivedAt === NOW && d.correlationId === msg.correlationId, 'dead letter envelope', d);
    check(d.payload.length <= PAYLOAD_KEEP_CHARS && d.topic.length <= 512, 'dead letter too large', {
      topic: d.topic.length,
      payload: d.payload.length,
    });
  }
  if (msg.payload.length > MAX_PAYLOAD_BYTES)
    check(result.deadLetters.length === 1 && result.deadLetters[0].reason === 'oversized', 'oversize passed', result.deadLetters);
  else if (!parseDeviceTopic(msg.topic))
    check(result.deadLetters.length === 1 && result.deadLetters[0].reason === 'unknown-topic', 'wrong topic passed', result);
  for (const r of result.readings) checkReading(msg, r);
  for (const s of result.statuses) checkStatus(msg, s);
}

function checkReading(msg: IncomingMessage, r: TelemetryReadingV1): void {
  const d = byId.get(r.deviceId);
  check(d !== undefined && msg.topic === `sites/${d.enterpriseId}/devices/${d.id}/telemetry`, 'reading of another device or topic', r);
  check(
    r.v === 1 &&
      r.enterpriseId === d!.enterpriseId &&
      r.deviceType === d!.type &&
      r.receivedAt === NOW &&
      r.correlationId === msg.correlationId,
    'reading envelope',
    r,
  );
  check(inTimeWindow(r.ts), 'reading time out of the window', r);
  check(r.seq === undefined || (Number.isSafeInteger(r.seq) && r.seq >= 0), 'bad seq', r);
  const allowed: readonly string[] = reportedMetrics(d!.type);
  const entries = Object.entries(r.readings);
  check(entries.length > 0, 'empty reading', r);
  for (const [name, value] of entries) {
    check(allowed.includes(name), 'metric the device does not report', r);
    const kind = METRICS[name as MetricName].kind;
    const finite = typeof value === 'number' && Number.isFinite(value);
    check(
      kind === 'number' ? finite : kind === 'boolean' ? typeof value === 'boolean' : finite || typeof value === 'boolean',
      'value of the wrong type',
      r,
    );
  }
}

function checkStatus(msg: IncomingMessage, s: DeviceStatusV1): void {
  const d = byId.get(s.deviceId);
  check(d !== undefined && msg.topic === `sites/${d.enterpriseId}/devices/${d.id}/status`, 'status of another device or topic', s);
  check(typeof s.online === 'boolean', 'online is not a boolean', s);
  check(inTimeWindow(s.ts), 'status time out of the window', s);
}

describe('TelemetryValidator under generated input', () => {
  it('never throws, refuses with a known reason, and passes good readings unchanged among garbage (over 100,000 payloads)', () => {
    let fed = 0;
    let goodFed = 0;
    let correlation = 0;
    const reasons = new Map<string, number>();
    const started = performance.now();

    fc.assert(
      fc.property(fc.array(edgeMessage, { minLength: PER_RUN, maxLength: PER_RUN }), (messages) => {
        const validator = sut();
        let seq = 1_000_000_000_000;
        const nextSeq = () => seq++;
        for (const m of messages) {
          if (m.kind === 'garbage') {
            for (const t of [m.topic, m.deviceTopic]) {
              fed++;
              const msg = { topic: t, payload: m.payload.bytes, receivedAt: NOW, correlationId: `c-${++correlation}` };
              const result = validator.validate(msg);
              checkAnyResult(msg, result);
              for (const d of result.deadLetters) reasons.set(d.reason, (reasons.get(d.reason) ?? 0) + 1);
            }
            continue;
          }
          const send = (body: unknown) => {
            fed++;
            goodFed++;
            const msg = {
              topic: goodTopic(m),
              payload: Buffer.from(JSON.stringify(body)),
              receivedAt: NOW,
              correlationId: `c-${++correlation}`,
            };
            const result = validator.validate(msg);
            checkAnyResult(msg, result);
            for (const d of result.deadLetters) reasons.set(d.reason, (reasons.get(d.reason) ?? 0) + 1);
            return { result, correlationId: msg.correlationId };
          };
          const expected = (o: GoodObject, seqOf: number | undefined, correlationId: string): TelemetryReadingV1 => ({
            v: 1,
            deviceId: m.device.id,
            enterpriseId: m.device.enterpriseId,
            deviceType: m.device.type,
            ts: o.ts,
            seq: seqOf,
            readings: o.readings,
            receivedAt: NOW,
            correlationId,
          });
          const sent = goodWire(m, nextSeq);
          const { result, correlationId } = send(m.batch || sent.length > 1 ? sent : sent[0]);
          check(result.deadLetters.length === 0, 'good message refused', { sent, deadLetters: result.deadLetters });
          const want = sent.map((o, i) => expected(m.objects[i], o.seq, correlationId));
          check(isDeepStrictEqual(result.readings, want), 'good message changed', { got: result.readings, want });

          const last = sent[sent.length - 1];
          if (m.then === 'nothing' || last.seq === undefined) continue;
          const again = { ...last, seq: m.then === 'duplicate' ? last.seq : last.seq - 1 };
          const replay = send(again);
          if (m.then === 'duplicate') {
            check(
              replay.result.readings.length === 0 && replay.result.deadLetters.map((d) => d.reason).join() === 'duplicate',
              'duplicate accepted',
              replay.result,
            );
          } else {
            const older = expected(m.objects[m.objects.length - 1], again.seq, replay.correlationId);
            check(
              replay.result.deadLetters.length === 0 && isDeepStrictEqual(replay.result.readings, [older]),
              'out-of-order reading refused or changed',
              replay.result,
            );
          }
        }
      }),
      { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 20261125) },
    );

    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(
      `fuzzed the MQTT edge with ${fed} payloads (${goodFed} known-good) in ${seconds.toFixed(1)} s; dead letters by reason: ${JSON.stringify(Object.fromEntries(reasons))}\n`,
    );
    expect(fed).toBeGreaterThanOrEqual(100_000);
    expect(goodFed).toBeGreaterThan(5_000);
    // The garbage reaches every check of the edge, not just the first one.
    expect([...reasons.keys()].sort()).toEqual(REASONS.filter((r) => r !== 'processing-failed' && r !== 'rate-limited').sort());
  });
});
