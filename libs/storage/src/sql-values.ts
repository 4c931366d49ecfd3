/** A point in time as the bus carries it (epoch ms) or as a Date. */
export type Instant = number | Date;

export function toDate(at: Instant): Date {
  return at instanceof Date ? at : new Date(at);
}

/**
 * A jsonb parameter. Always stringified: pg would otherwise send a JS array as
 * a PostgreSQL array literal.
 */
export function jsonParam(value: unknown): string {
  return JSON.stringify(value);
}

/** PostgreSQL text cannot hold NUL, and dead-lettered payloads may contain anything. */
export function safeText(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}
