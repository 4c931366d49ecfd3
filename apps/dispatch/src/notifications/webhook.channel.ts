import { signWebhook } from '@app/domain';
import type { NotificationRow } from '@app/storage';
import type { NotificationChannel, SendOutcome } from './notification-channel';

/** POSTs `{"id", "type", "at", "incident"}` signed; a redirect, a non-2xx answer or a timeout is a failed attempt. */
export class WebhookChannel implements NotificationChannel {
  readonly name = 'webhook' as const;

  constructor(private readonly options: { url: string; secret: string; timeoutMs: number }) {}

  async send(notification: NotificationRow, at: number): Promise<SendOutcome> {
    const body = JSON.stringify({ id: notification.deliveryId, ...(notification.payload as object) });
    try {
      const res = await fetch(this.options.url, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/json', ...signWebhook(this.options.secret, notification.deliveryId, at, body) },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      // The answer's body is never read: a huge one costs nothing.
      await res.body?.cancel().catch(() => undefined);
      return res.status >= 200 && res.status < 300 ? { ok: true } : { ok: false, error: `HTTP ${res.status}` };
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      return {
        ok: false,
        error: err.name === 'TimeoutError' ? `timeout after ${this.options.timeoutMs} ms` : (err.cause?.code ?? err.message),
      };
    }
  }
}
