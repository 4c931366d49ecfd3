import {
  DeadLetterReason,
  DeadLetterV1,
  DeviceStatusV1,
  DeviceType,
  isMetricName,
  MAX_PAYLOAD_BYTES,
  METRICS,
  parseDeviceTopic,
  reportedMetrics,
  statusPayloadSchema,
  TelemetryPayload,
  telemetryPayloadSchema,
  MAX_BATCH_LENGTH,
  TelemetryReadingV1,
  timestampToMs,
} from '@app/contracts';
import { FloodLimiter } from '@app/domain';

export interface KnownDevice {
  id: string;
  enterpriseId: string;
  type: DeviceType;
  /** As registered; the risk engine judges the device's presence by it. */
  reportIntervalS?: number;
  /** retired: the device or its enterprise; its messages are refused as `retired-device`, kept apart from unknown ones. */
  status: 'active' | 'retired';
}

export interface ValidatorLimits {
  maxClockSkewMs: number;
  maxReadingAgeMs: number;
}

export interface IncomingMessage {
  topic: string;
  payload: Buffer;
  receivedAt: number;
  correlationId: string;
}

export interface ValidationResult {
  readings: TelemetryReadingV1[];
  statuses: DeviceStatusV1[];
  deadLetters: DeadLetterV1[];
}

const PAYLOAD_KEEP_BYTES = 2048;

/**
 * The MQTT edge: turns one raw message into valid bus messages and dead
 * letters. Each object of a batch stands on its own; one bad object does not
 * take its neighbours with it. Remembers the last sequence number per device
 * to refuse duplicates. With a flood limiter, a registered device's message
 * over its device's or enterprise's rate is refused whole as rate-limited.
 */
export class TelemetryValidator {
  private readonly lastSeq = new Map<string, number>();

  constructor(
    private readonly findDevice: (id: string) => KnownDevice | undefined,
    private readonly limits: ValidatorLimits,
    private readonly flood?: FloodLimiter,
  ) {}

  validate(msg: IncomingMessage): ValidationResult {
    const result: ValidationResult = { readings: [], statuses: [], deadLetters: [] };
    const reject = (reason: DeadLetterReason, detail: string, deviceId: string | null = null) => {
      result.deadLetters.push(this.deadLetter(msg, reason, detail, deviceId));
      return result;
    };

    if (msg.payload.length > MAX_PAYLOAD_BYTES) {
      return reject('oversized', `payload of ${msg.payload.length} bytes exceeds ${MAX_PAYLOAD_BYTES}`);
    }
    const parsed = parseDeviceTopic(msg.topic);
    if (!parsed)
      return reject(
        'unknown-topic',
        `topic ${JSON.stringify(msg.topic.slice(0, 200))} is not sites/{enterpriseId}/devices/{deviceId}/telemetry|status`,
      );
    const device = this.findDevice(parsed.deviceId);
    if (!device) return reject('unknown-device', `device ${parsed.deviceId} is not registered`, null);
    if (device.status === 'retired') return reject('retired-device', `device ${device.id} is retired, or its enterprise is`, device.id);
    if (device.enterpriseId !== parsed.enterpriseId) {
      return reject('enterprise-mismatch', `device ${device.id} belongs to ${device.enterpriseId}, not ${parsed.enterpriseId}`, device.id);
    }
    // Before parsing: a flood costs a map lookup per message, and what it sends is kept in the dead letter.
    const refused = this.flood?.admit(device.id, device.enterpriseId);
    if (refused) {
      const { ratePerS, burst } = refused.limit;
      return reject(
        'rate-limited',
        `${refused.scope} ${refused.key} is over its limit of ${ratePerS} messages/s (burst ${burst})`,
        device.id,
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(msg.payload.toString('utf8'));
    } catch (e) {
      return reject('malformed-json', (e as Error).message, device.id);
    }

    if (parsed.channel === 'status') {
      const status = statusPayloadSchema.safeParse(json);
      if (!status.success) return reject('invalid-payload', describeIssues(status.error.issues), device.id);
      const ts = status.data.ts === undefined ? msg.receivedAt : timestampToMs(status.data.ts);
      const late = this.checkTime(ts, msg.receivedAt);
      if (late) return reject(late.reason, late.detail, device.id);
      result.statuses.push({
        v: 1,
        deviceId: device.id,
        enterpriseId: device.enterpriseId,
        online: status.data.online,
        ts,
        receivedAt: msg.receivedAt,
        correlationId: msg.correlationId,
      });
      return result;
    }

    if (Array.isArray(json) && (json.length === 0 || json.length > MAX_BATCH_LENGTH)) {
      return reject('invalid-payload', `a batch holds 1 to ${MAX_BATCH_LENGTH} readings, got ${json.length}`, device.id);
    }
    const candidates: unknown[] = Array.isArray(json) ? json : [json];
    for (const candidate of candidates) {
      const part = candidates.length > 1 ? candidate : undefined;
      const one = telemetryPayloadSchema.safeParse(candidate);
      if (!one.success) {
        result.deadLetters.push(this.deadLetter(msg, classifyIssues(one.error.issues), describeIssues(one.error.issues), device.id, part));
        continue;
      }
      const obj = one.data;
      // The device's own keys: zod leaves a "__proto__" key out of its output, which must not pass unnoticed.
      const names = Object.keys((candidate as { readings: object }).readings);
      const problem = this.checkObject(obj, names, device, msg.receivedAt);
      if (problem) {
        result.deadLetters.push(this.deadLetter(msg, problem.reason, problem.detail, device.id, part));
        continue;
      }
      if (obj.seq !== undefined) this.lastSeq.set(device.id, obj.seq);
      result.readings.push({
        v: 1,
        deviceId: device.id,
        enterpriseId: device.enterpriseId,
        deviceType: device.type,
        ...(device.reportIntervalS !== undefined && { reportIntervalS: device.reportIntervalS }),
        ts: timestampToMs(obj.ts),
        seq: obj.seq,
        readings: obj.readings,
        receivedAt: msg.receivedAt,
        correlationId: msg.correlationId,
      });
    }
    return result;
  }

  private checkObject(obj: TelemetryPayload, names: string[], device: KnownDevice, receivedAt: number): Problem | null {
    const allowed: readonly string[] = reportedMetrics(device.type);
    for (const name of names) {
      if (!isMetricName(name) || !allowed.includes(name)) {
        return { reason: 'unknown-metric', detail: `metric ${JSON.stringify(name.slice(0, 64))} is not reported by a ${device.type}` };
      }
      const value = obj.readings[name];
      const kind = METRICS[name].kind;
      const ok = kind === 'number-or-boolean' || (kind === 'number' ? typeof value === 'number' : typeof value === 'boolean');
      if (!ok) return { reason: 'wrong-type', detail: `metric ${name} must be ${kind.replace(/-/g, ' ')}, got ${typeof value}` };
    }
    const late = this.checkTime(timestampToMs(obj.ts), receivedAt);
    if (late) return late;
    const last = this.lastSeq.get(device.id);
    if (obj.seq !== undefined && last !== undefined && obj.seq === last) {
      return { reason: 'duplicate', detail: `seq ${obj.seq} was already received from ${device.id}` };
    }
    return null;
  }

  /** A status or reading outside the window of trusted device clocks; such times would poison what is stored downstream. */
  private checkTime(ts: number, receivedAt: number): Problem | null {
    if (ts > receivedAt + this.limits.maxClockSkewMs) {
      return { reason: 'future-timestamp', detail: `ts ${describeTime(ts)} is ${Math.round((ts - receivedAt) / 1000)} s in the future` };
    }
    if (ts < receivedAt - this.limits.maxReadingAgeMs) {
      return {
        reason: 'stale-timestamp',
        detail: `ts ${describeTime(ts)} is older than ${Math.round(this.limits.maxReadingAgeMs / 1000)} s`,
      };
    }
    return null;
  }

  private deadLetter(
    msg: IncomingMessage,
    reason: DeadLetterReason,
    detail: string,
    deviceId: string | null,
    part?: unknown,
  ): DeadLetterV1 {
    const payload = (part === undefined ? undefined : serialise(part)) ?? msg.payload.subarray(0, PAYLOAD_KEEP_BYTES).toString('utf8');
    return {
      v: 1,
      source: 'mqtt',
      topic: msg.topic.slice(0, 512),
      reason,
      detail: detail.slice(0, 1000),
      deviceId,
      payload,
      receivedAt: msg.receivedAt,
      correlationId: msg.correlationId,
    };
  }
}

interface Problem {
  reason: DeadLetterReason;
  detail: string;
}

/** Beyond ±8.64e15 ms a Date is invalid and toISOString() throws. */
function describeTime(ms: number): string {
  return Number.isNaN(new Date(ms).getTime()) ? `${ms} ms after the epoch` : new Date(ms).toISOString();
}

/** One batch element for its dead letter; nesting deeper than JSON.stringify's recursion allows gives undefined. */
function serialise(part: unknown): string | undefined {
  try {
    return JSON.stringify(part).slice(0, PAYLOAD_KEEP_BYTES);
  } catch {
    return undefined;
  }
}

interface Issue {
  path: PropertyKey[];
  message: string;
  code: string;
}

function classifyIssues(issues: readonly Issue[]): DeadLetterReason {
  const onReadingValue = issues.some((i) => i.path[0] === 'readings' && i.path.length === 2);
  return onReadingValue ? 'wrong-type' : 'invalid-payload';
}

function describeIssues(issues: readonly Issue[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}
