import { signWebhook } from '@app/domain';
import type { NotificationRow } from '@app/storage';
import { httpAttempt } from './http-attempt';
import type { NotificationChannel, SendOutcome } from './notification-channel';

/** POSTs `{"id", "type", "at", "recipient", "incident", "actions"?}` signed; a redirect, a non-2xx answer or a timeout is a failed attempt. */
export class WebhookChannel implements NotificationChannel {
  readonly name = 'webhook' as const;

  constructor(private readonly options: { url: string; secret: string; timeoutMs: number }) {}

  async send(notification: NotificationRow, at: number): Promise<SendOutcome> {
    const body = JSON.stringify({ id: notification.deliveryId, ...(notification.payload as object) });
    return httpAttempt(
      this.options.url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signWebhook(this.options.secret, notification.deliveryId, at, body) },
        body,
      },
      this.options.timeoutMs,
    );
  }
}
