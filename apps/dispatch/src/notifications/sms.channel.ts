import type { SmsChannelConfig } from '@app/config';
import { escapingForContentType, notificationMessage, renderGatewayTemplate, type GatewayValues } from '@app/domain';
import type { NotificationRow } from '@app/storage';
import { addressedPayload } from './addressed-payload';
import { httpAttempt } from './http-attempt';
import type { NotificationChannel, SendOutcome } from './notification-channel';

/**
 * A text (or a call) through an HTTP gateway: the configured method, headers and body template filled with the
 * phone stored with the row and a message of at most 160 characters. Values in the URL are percent-encoded; in
 * the body they are escaped as the Content-Type says (JSON string content for JSON, percent-encoding for a
 * form, as they are otherwise). A 2xx answer delivers it; anything else, a redirect or a timeout is a failed attempt.
 */
export class SmsChannel implements NotificationChannel {
  readonly name = 'sms' as const;
  private readonly escaping;

  constructor(private readonly options: SmsChannelConfig & { timeoutMs: number }) {
    const contentType = Object.entries(options.headers).find(([h]) => h.toLowerCase() === 'content-type')?.[1];
    this.escaping = escapingForContentType(contentType);
  }

  async send(notification: NotificationRow): Promise<SendOutcome> {
    const payload = addressedPayload(notification.payload);
    if (!payload) return { ok: false, error: 'payload without a phone or an incident' };
    const values: GatewayValues = {
      phone: payload.to,
      text: notificationMessage(payload, notification.deliveryId).short,
      incidentId: payload.incident.id,
      deliveryId: notification.deliveryId,
      event: payload.type,
      grade: payload.incident.grade,
    };
    const { bodyTemplate } = this.options;
    return httpAttempt(
      renderGatewayTemplate(this.options.url, values, 'url'),
      {
        method: this.options.method,
        headers: this.options.headers,
        body: bodyTemplate === undefined ? undefined : renderGatewayTemplate(bodyTemplate, values, this.escaping),
      },
      this.options.timeoutMs,
    );
  }
}
