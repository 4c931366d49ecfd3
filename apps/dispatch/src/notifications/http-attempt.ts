import type { SendOutcome } from './notification-channel';

/**
 * One HTTP attempt as the webhook and SMS gateway channels make it: no redirect followed (the receiver is the
 * one configured), a time limit on the whole attempt, the answer's body never read (a huge one costs nothing);
 * 2xx delivers, anything else is a failed attempt with its reason. Never throws.
 */
export async function httpAttempt(url: string, init: Omit<RequestInit, 'redirect' | 'signal'>, timeoutMs: number): Promise<SendOutcome> {
  try {
    const res = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel().catch(() => undefined);
    return res.status >= 200 && res.status < 300 ? { ok: true } : { ok: false, error: `HTTP ${res.status}` };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    return { ok: false, error: err.name === 'TimeoutError' ? `timeout after ${timeoutMs} ms` : (err.cause?.code ?? err.message) };
  }
}
