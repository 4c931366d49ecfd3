import { createTransport, type Transporter } from 'nodemailer';
import type { EmailChannelConfig } from '@app/config';
import { notificationMessage } from '@app/domain';
import type { NotificationRow } from '@app/storage';
import { addressedPayload } from './addressed-payload';
import type { NotificationChannel, SendOutcome } from './notification-channel';

type SmtpError = Error & { code?: string; responseCode?: number; response?: string; command?: string };

/** What an attempt's error says in the incident's notifications: the server's own reply when there was one. */
function describe(e: SmtpError, timeoutMs: number): string {
  if (e.responseCode !== undefined) return `SMTP ${e.command ? `${e.command} ` : ''}${e.response ?? e.responseCode}`;
  if (e.code === 'ETIMEDOUT') return `timeout after ${timeoutMs} ms`;
  return e.code ? `${e.code}: ${e.message}` : e.message;
}

/**
 * Plain-text mail over SMTP to the address stored with the row. One connection per message: notifications are
 * few, and a pooled connection would only hide a server gone away until the next incident. A refusal of the
 * recipient, a refused connection or a timeout is a failed attempt, retried by the sender under the same
 * Message-ID, so a mailbox that received an earlier attempt can tell the copy.
 */
export class EmailChannel implements NotificationChannel {
  readonly name = 'email' as const;
  private readonly transport: Transporter;

  constructor(private readonly options: EmailChannelConfig & { timeoutMs: number }) {
    this.transport = createTransport({
      url: options.url,
      requireTLS: options.tls === 'required',
      ignoreTLS: options.tls === 'off',
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
      // The message is built from our own text only: nothing in it may make the mailer read a file or a URL.
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  }

  async send(notification: NotificationRow): Promise<SendOutcome> {
    const payload = addressedPayload(notification.payload);
    if (!payload) return { ok: false, error: 'payload without an address or an incident' };
    const message = notificationMessage(payload, notification.deliveryId);
    try {
      const info = (await this.transport.sendMail({
        from: this.options.from,
        to: payload.to,
        subject: message.subject,
        text: message.text,
        messageId: `<${notification.deliveryId}@zone.notifications>`,
        headers: { 'X-Zone-Delivery': notification.deliveryId },
      })) as { rejected?: unknown[] };
      // With one recipient a refusal is thrown; this covers a server accepting the message but not the address.
      if (info.rejected && info.rejected.length > 0) return { ok: false, error: `SMTP recipient refused: ${payload.to}` };
      return { ok: true };
    } catch (e) {
      return { ok: false, error: describe(e as SmtpError, this.options.timeoutMs) };
    }
  }
}
