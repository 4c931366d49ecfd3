import { z } from 'zod';

/** Limits at the MQTT edge. A payload over these is dead-lettered, never parsed. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;
export const MAX_BATCH_LENGTH = 500;
const MAX_METRICS_PER_READING = 32;

const timestamp = z.union([
  z.number().int().nonnegative().finite(),
  z
    .string()
    .max(40)
    .refine((s) => /^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(Date.parse(s)), {
      message: 'not an ISO-8601 date-time',
    }),
]);

const readingValue = z.union([z.number().finite(), z.boolean()]);

/** One telemetry object as a device publishes it (SPEC.md, "Sensors publish"). */
export const telemetryPayloadSchema = z
  .object({
    ts: timestamp,
    seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
    readings: z
      .record(z.string().min(1).max(64), readingValue)
      .refine((r) => Object.keys(r).length > 0, { message: 'readings is empty' })
      .refine((r) => Object.keys(r).length <= MAX_METRICS_PER_READING, {
        message: `more than ${MAX_METRICS_PER_READING} metrics`,
      }),
  })
  .strict();
export type TelemetryPayload = z.infer<typeof telemetryPayloadSchema>;

export const statusPayloadSchema = z.object({ online: z.boolean(), ts: timestamp.optional() }).strict();
export type StatusPayload = z.infer<typeof statusPayloadSchema>;

export function timestampToMs(ts: number | string): number {
  return typeof ts === 'number' ? ts : Date.parse(ts);
}
