import { createHmac } from 'node:crypto';
import { ManualClock } from '@app/testing';
import { signWebhook, verifyWebhook } from './webhook-signature';

const T = Date.parse('2026-03-02T08:00:00.750Z');
const SECRET = 'shared-secret';
const BODY = '{"id":"d-1","type":"incident.opened"}';

describe('webhook signing', () => {
  it('signs "<timestamp>.<body>" with HMAC-SHA256, the timestamp in epoch seconds, the delivery id as given', () => {
    const headers = signWebhook(SECRET, 'd-1', T, BODY);
    const ts = String(Math.floor(T / 1000));
    expect(headers).toEqual({
      'X-Zone-Delivery': 'd-1',
      'X-Zone-Timestamp': ts,
      'X-Zone-Signature': `sha256=${createHmac('sha256', SECRET).update(`${ts}.${BODY}`).digest('hex')}`,
    });
  });

  it('is verified by a receiver with the secret, and refused for another body, secret, timestamp or a stale one', () => {
    const clock = new ManualClock(T);
    const h = signWebhook(SECRET, 'd-1', clock.now(), BODY);
    const given = { timestamp: h['X-Zone-Timestamp'], signature: h['X-Zone-Signature'] };
    expect(verifyWebhook(SECRET, given, BODY, clock.now())).toBe(true);
    expect(verifyWebhook(SECRET, given, `${BODY} `, clock.now())).toBe(false);
    expect(verifyWebhook('other', given, BODY, clock.now())).toBe(false);
    expect(verifyWebhook(SECRET, { ...given, timestamp: String(Number(given.timestamp) + 1) }, BODY, clock.now())).toBe(false);
    expect(verifyWebhook(SECRET, { ...given, signature: 'sha256=00' }, BODY, clock.now())).toBe(false);
    expect(verifyWebhook(SECRET, { ...given, timestamp: 'x' }, BODY, clock.now())).toBe(false);
    clock.set(T + 301_000);
    expect(verifyWebhook(SECRET, given, BODY, clock.now())).toBe(false);
  });

  it('signs each attempt at its own time, so a retry carries a fresh timestamp under the same delivery id', () => {
    const first = signWebhook(SECRET, 'd-1', T, BODY);
    const retry = signWebhook(SECRET, 'd-1', T + 5000, BODY);
    expect(retry['X-Zone-Delivery']).toBe(first['X-Zone-Delivery']);
    expect(retry['X-Zone-Timestamp']).not.toBe(first['X-Zone-Timestamp']);
    expect(retry['X-Zone-Signature']).not.toBe(first['X-Zone-Signature']);
  });
});
