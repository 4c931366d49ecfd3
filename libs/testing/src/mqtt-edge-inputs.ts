import fc from 'fast-check';
import { DeviceType, reportedMetrics, MAX_BATCH_LENGTH, MAX_PAYLOAD_BYTES, METRICS, MetricName } from '@app/contracts';

/**
 * Generated MQTT input for the edge's property tests: garbage of every kind a
 * device, a broken gateway or an attacker can send, and known-good messages
 * to mix in among it. Times are relative to EDGE_NOW and the window of
 * EDGE_LIMITS, which the tests give the validator (or the service's clock and
 * configuration).
 */

export const EDGE_NOW = Date.parse('2026-11-25T10:00:00Z');
export const EDGE_LIMITS = { maxClockSkewMs: 300_000, maxReadingAgeMs: 7 * 86_400_000 };
const MAX_DATE_MS = 8.64e15;

export interface EdgeDevice {
  id: string;
  enterpriseId: string;
  type: DeviceType;
  status: 'active' | 'retired';
}

/** The registered devices the inputs use. */
export const EDGE_DEVICES: EdgeDevice[] = [
  { id: 'E0001-D01', enterpriseId: 'E0001', type: 'smoke_detector', status: 'active' },
  { id: 'E0001-D02', enterpriseId: 'E0001', type: 'gas_detector', status: 'active' },
  { id: 'E0002-D01', enterpriseId: 'E0002', type: 'electrical_fire_monitor', status: 'active' },
  { id: 'E0002-D02', enterpriseId: 'E0002', type: 'fire_lane_camera', status: 'active' },
  { id: 'E0002-D03', enterpriseId: 'E0002', type: 'hydrant_monitor', status: 'active' },
  // Ids are opaque to the edge: a registered device with a non-ASCII id is as good as any.
  { id: '烟感-Ω-01', enterpriseId: '工厂-7', type: 'heat_detector', status: 'active' },
];

/** A device still in the register but retired: everything it sends is refused, whatever it is. */
export const EDGE_RETIRED_DEVICE: EdgeDevice = { id: 'E0001-D09', enterpriseId: 'E0001', type: 'smoke_detector', status: 'retired' };

// ---------------------------------------------------------------- JSON text the generators can put anything into

/** A token written into the JSON text as is: `1e999`, `NaN`, `-Infinity` are not JSON values, but devices send them. */
class Raw {
  constructor(readonly text: string) {}
  toJSON(): string {
    return `\u0000RAW:${this.text}\u0000`;
  }
}
const jsonText = (value: unknown): string => JSON.stringify(value).replace(/"\\u0000RAW:(.*?)\\u0000"/g, '$1');

// ---------------------------------------------------------------- arbitraries

const device = fc.constantFrom(...EDGE_DEVICES);
const unicodeId = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 }).filter((s) => !s.includes('/'));

const topic: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc
      .tuple(device, fc.constantFrom('telemetry', 'telemetry', 'status'))
      .map(([d, ch]) => `sites/${d.enterpriseId}/devices/${d.id}/${ch}`),
  },
  { weight: 2, arbitrary: fc.tuple(device, unicodeId).map(([d, e]) => `sites/${e}/devices/${d.id}/telemetry`) },
  { weight: 2, arbitrary: fc.tuple(unicodeId, unicodeId).map(([e, d]) => `sites/${e}/devices/${d}/telemetry`) },
  { weight: 1, arbitrary: device.map((d) => `sites/${d.enterpriseId}/devices/${d.id}/config`) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('telemetry', 'status')
      .map((ch) => `sites/${EDGE_RETIRED_DEVICE.enterpriseId}/devices/${EDGE_RETIRED_DEVICE.id}/${ch}`),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '',
      '#',
      'sites/#',
      'sites/+/devices/+/telemetry',
      'sites//devices//telemetry',
      'sites/E0001/devices/E0001-D01',
      '/sites/E0001/devices/E0001-D01/telemetry',
      '$SYS/broker',
    ),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
  { weight: 1, arbitrary: fc.integer({ min: 513, max: 2000 }).map((n) => `sites/${'x'.repeat(n)}/devices/E0001-D01/telemetry`) },
);

const iso = (ms: number) => new Date(ms).toISOString();
const inWindow = fc.integer({ min: EDGE_NOW - EDGE_LIMITS.maxReadingAgeMs, max: EDGE_NOW + EDGE_LIMITS.maxClockSkewMs });
const timestamp: fc.Arbitrary<unknown> = fc.oneof(
  inWindow,
  inWindow.map(iso),
  fc.integer({ min: -1e15, max: -1 }),
  fc.integer({ min: EDGE_NOW + EDGE_LIMITS.maxClockSkewMs + 1, max: Number.MAX_SAFE_INTEGER }),
  fc.integer({ min: MAX_DATE_MS - 10, max: MAX_DATE_MS + 1e12 }),
  fc.constant(0),
  fc.double(),
  fc.constantFrom(
    '9999-12-31T23:59:59.999Z',
    '0000-01-01T00:00:00Z',
    '2026-13-45T99:99:99Z',
    '+275760-09-13T00:00:00.000Z',
    '2026-11-25',
    'yesterday',
    'NaN',
    '',
  ),
  fc.constantFrom(new Raw('NaN'), new Raw('Infinity'), new Raw('-Infinity'), new Raw('1e999'), new Raw('-1e999'), new Raw('1e16')),
  fc.constantFrom(null, true, [], {}),
);

const readingValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }),
  fc.boolean(),
  fc.double().map(String),
  fc.constantFrom('21.5', '0', 'true', 'NaN', 'Infinity', '', null, [], {}, [1], { value: 1 }),
  fc.constantFrom(new Raw('NaN'), new Raw('Infinity'), new Raw('1e999'), new Raw('-1e999'), new Raw('1e308'), new Raw('-0')),
);
const metricName = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...(Object.keys(METRICS) as MetricName[])) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      'humidity',
      '',
      'x'.repeat(65),
      'température',
      '温度',
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 10 }) },
);
/** Built as JSON text, because an object literal cannot hold an own "__proto__" key. */
const readingsText = fc
  .array(fc.tuple(metricName, readingValue), { maxLength: 40 })
  .map((pairs) => `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`).join(',')}}`);

const seq = fc.oneof(
  fc.integer({ min: 0, max: 5 }),
  fc.integer({ min: -5, max: -1 }),
  fc.double(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, '3', null, new Raw('1e999')),
);

/** A telemetry-shaped object, each field possibly missing, wrong or extra. */
const telemetryish: fc.Arbitrary<string> = fc
  .record(
    { ts: timestamp, seq, readings: readingsText, extra: fc.constantFrom('online', 'v', 'deviceId', '__proto__') },
    { requiredKeys: [] },
  )
  .map(({ ts, seq: s, readings, extra }) => {
    const fields: string[] = [];
    if (ts !== undefined) fields.push(`"ts":${jsonText(ts)}`);
    if (s !== undefined) fields.push(`"seq":${jsonText(s)}`);
    if (readings !== undefined) fields.push(`"readings":${readings}`);
    if (extra !== undefined) fields.push(`${JSON.stringify(extra)}:1`);
    return `{${fields.join(',')}}`;
  });
const statusish: fc.Arbitrary<string> = fc
  .record({ online: fc.oneof(fc.boolean(), fc.constantFrom('true', 1, null)), ts: timestamp }, { requiredKeys: [] })
  .map(({ online, ts }) => jsonText({ ...(online !== undefined && { online }), ...(ts !== undefined && { ts }) }));

// Mostly shallow: a 30,000-deep one takes milliseconds to parse, and a few hundred of them make the point.
const depth = fc.oneof(
  { weight: 7, arbitrary: fc.integer({ min: 1, max: 300 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 32_000 }) },
);
const deepNesting = fc.tuple(depth, fc.constantFrom('array', 'object', 'in-readings', 'in-batch')).map(([n, where]) => {
  const arrays = '['.repeat(n) + ']'.repeat(n);
  if (where === 'array') return arrays;
  if (where === 'object') return '{"a":'.repeat(n) + '1' + '}'.repeat(n);
  if (where === 'in-readings') return `{"ts":${EDGE_NOW},"readings":{"temperature":${arrays}}}`;
  return `[${arrays},{"ts":${EDGE_NOW},"readings":{"temperature":1}}]`;
});

const hugeArray = fc
  .tuple(fc.integer({ min: MAX_BATCH_LENGTH - 20, max: 3 * MAX_BATCH_LENGTH }), fc.boolean())
  .map(([n, numbers]) =>
    numbers
      ? `[${Array.from({ length: n }, (_, i) => i).join(',')}]`
      : `[${Array.from({ length: n }, (_, i) => `{"ts":${EDGE_NOW - i},"readings":{"temperature":${i}}}`).join(',')}]`,
  );

const oversize = fc.tuple(fc.integer({ min: 1, max: 4096 }), fc.constantFrom(' ', '[', 'a', '\u0000')).map(([extra, fill]) => {
  const buf = Buffer.alloc(MAX_PAYLOAD_BYTES + extra, fill);
  buf.write(`{"ts":${EDGE_NOW},"readings":{"temperature":21}}`);
  return buf;
});

/** Bytes that print short in a counterexample; the seed and path fast-check reports replay it in full. */
export class Payload {
  constructor(readonly bytes: Buffer) {}
  [fc.toStringMethod](): string {
    const text = this.bytes.subarray(0, 160).toString('utf8');
    return `Payload(${this.bytes.length} bytes: ${JSON.stringify(text)}${this.bytes.length > 160 ? '…' : ''})`;
  }
}

const garbageBytes: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 16, arbitrary: fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b)) },
  { weight: 16, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')) },
  { weight: 32, arbitrary: telemetryish.map((t) => Buffer.from(t)) },
  { weight: 12, arbitrary: fc.array(telemetryish, { minLength: 1, maxLength: 8 }).map((ts) => Buffer.from(`[${ts.join(',')}]`)) },
  { weight: 12, arbitrary: statusish.map((t) => Buffer.from(t)) },
  {
    weight: 8,
    arbitrary: fc
      .constantFrom('', ' ', 'null', '[]', '{}', 'NaN', '1e999', '"NaN"', '{"ts":1,', '\uFEFF{}', '[[]]', 'true')
      .map((t) => Buffer.from(t)),
  },
  { weight: 4, arbitrary: deepNesting.map((t) => Buffer.from(t)) },
  { weight: 1, arbitrary: hugeArray.map((t) => Buffer.from(t)) },
  { weight: 3, arbitrary: oversize },
);
const garbagePayload = garbageBytes.map((b) => new Payload(b));

/**
 * A payload with two topics: the generated one, which mostly stops a message
 * at the topic check, and a registered device's, which makes the same payload
 * go all the way through parsing. Both are fed.
 */
export interface Garbage {
  kind: 'garbage';
  topic: string;
  deviceTopic: string;
  payload: Payload;
}

export interface GoodObject {
  ts: number;
  asIso: boolean;
  withSeq: boolean;
  readings: Record<string, number | boolean>;
}

/**
 * A message a well-behaved device sends: a registered device, its own
 * metrics, a sane time, a fresh sequence number. Then, perhaps, its last
 * object again: with the same sequence number (a duplicate, refused) or an
 * older one (out of order, accepted).
 */
export interface Good {
  kind: 'good';
  device: EdgeDevice;
  objects: GoodObject[];
  batch: boolean;
  then: 'nothing' | 'duplicate' | 'older';
}

const valueOfKind = (kind: string): fc.Arbitrary<number | boolean> => {
  const number = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map((x) => (Object.is(x, -0) ? 0 : x));
  if (kind === 'number') return number;
  if (kind === 'boolean') return fc.boolean();
  return fc.oneof(number, fc.boolean());
};
const goodReadings = (d: EdgeDevice): fc.Arbitrary<Record<string, number | boolean>> =>
  fc
    .subarray([...reportedMetrics(d.type)] as MetricName[], { minLength: 1 })
    .chain((names) =>
      fc.tuple(...names.map((n) => valueOfKind(METRICS[n].kind))).map((values) => Object.fromEntries(names.map((n, i) => [n, values[i]]))),
    );
export const good: fc.Arbitrary<Good> = device.chain((d) =>
  fc.record({
    kind: fc.constant('good' as const),
    device: fc.constant(d),
    objects: fc.array(fc.record({ ts: inWindow, asIso: fc.boolean(), withSeq: fc.boolean(), readings: goodReadings(d) }), {
      minLength: 1,
      maxLength: 4,
    }),
    batch: fc.boolean(),
    then: fc.constantFrom('nothing', 'nothing', 'duplicate', 'older'),
  }),
);
const deviceTopic = fc
  .tuple(device, fc.constantFrom('telemetry', 'telemetry', 'telemetry', 'status'))
  .map(([d, ch]) => `sites/${d.enterpriseId}/devices/${d.id}/${ch}`);
export const garbage: fc.Arbitrary<Garbage> = fc.record({
  kind: fc.constant('garbage' as const),
  topic,
  deviceTopic,
  payload: garbagePayload,
});
/** Four garbage messages to one good one. */
export const edgeMessage: fc.Arbitrary<Garbage | Good> = fc.oneof({ weight: 4, arbitrary: garbage }, { weight: 1, arbitrary: good });

/**
 * What a good message puts on the wire, its objects numbered from `nextSeq`
 * (far above the garbage's sequence numbers, so none is a duplicate).
 */
export function goodWire(
  m: Good,
  nextSeq: () => number,
): Array<{ ts: number | string; seq?: number; readings: Record<string, number | boolean> }> {
  return m.objects.map((o) => ({
    ts: o.asIso ? new Date(o.ts).toISOString() : o.ts,
    ...(o.withSeq && { seq: nextSeq() }),
    readings: o.readings,
  }));
}

export function goodTopic(m: Good): string {
  return `sites/${m.device.enterpriseId}/devices/${m.device.id}/telemetry`;
}
