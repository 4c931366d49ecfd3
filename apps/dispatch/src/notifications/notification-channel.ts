import type { NotificationChannelName } from '@app/domain';
import type { NotificationRow } from '@app/storage';

/** How one attempt ended: delivered, or an error to record (the sender decides whether to retry). */
export type SendOutcome = { ok: true } | { ok: false; error: string };

/** One way of telling people (webhook, e-mail, SMS gateway). Never throws. */
export interface NotificationChannel {
  readonly name: NotificationChannelName;
  send(notification: NotificationRow, at: number): Promise<SendOutcome>;
}

export const NOTIFICATION_CHANNELS = Symbol('NOTIFICATION_CHANNELS');
