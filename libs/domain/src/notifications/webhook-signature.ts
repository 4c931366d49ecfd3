import { createHmac, timingSafeEqual } from 'node:crypto';

export interface WebhookHeaders {
  'X-Zone-Delivery': string;
  'X-Zone-Timestamp': string;
  'X-Zone-Signature': string;
}

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` with the shared secret. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The headers of one attempt: the delivery id (the same on every retry), the time of this attempt in epoch seconds, and the signature over both. */
export function signWebhook(secret: string, deliveryId: string, at: number, body: string): WebhookHeaders {
  const timestamp = String(Math.floor(at / 1000));
  return { 'X-Zone-Delivery': deliveryId, 'X-Zone-Timestamp': timestamp, 'X-Zone-Signature': webhookSignature(secret, timestamp, body) };
}

/** What a receiver does: the signature matches and the timestamp is within toleranceS of now. */
export function verifyWebhook(
  secret: string,
  headers: { timestamp: string; signature: string },
  body: string,
  now: number,
  toleranceS = 300,
): boolean {
  const ts = Number(headers.timestamp);
  if (!/^\d+$/.test(headers.timestamp) || Math.abs(now / 1000 - ts) > toleranceS) return false;
  const expected = Buffer.from(webhookSignature(secret, headers.timestamp, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
