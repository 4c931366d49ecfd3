import type { NotificationChannelName } from './notification-route';
import { COMMAND_CENTER_RECIPIENT, type NotificationContact, type RoutedNotification } from './notification-routing';

/** The command center's own e-mail address and phone (configured), for the email and sms channels. */
export interface CommandCenterAddresses {
  email?: string;
  phone?: string;
}

/** A routed notification with where its channel sends it: an e-mail address or a phone; null for the webhook. */
export type AddressedNotification = RoutedNotification & { to: string | null };

function addressOf(
  channel: NotificationChannelName,
  recipient: string,
  contacts: readonly NotificationContact[],
  commandCenter: CommandCenterAddresses,
): string | undefined {
  const field = channel === 'email' ? 'email' : 'phone';
  if (recipient === COMMAND_CENTER_RECIPIENT) return commandCenter[field];
  const contact = contacts.find((c) => `contact:${c.id}` === recipient);
  return contact?.[field];
}

/**
 * Fixes each notification's address when it is stored, so every retry goes where the first attempt went (an
 * edited contact changes later notifications, not one already being delivered). A contact without an e-mail
 * address gets no e-mail, one without a phone no text: a delivery that could never succeed is not stored.
 */
export function addressNotifications(
  routed: readonly RoutedNotification[],
  contacts: readonly NotificationContact[],
  commandCenter: CommandCenterAddresses,
): AddressedNotification[] {
  const out: AddressedNotification[] = [];
  for (const n of routed) {
    if (n.channel === 'webhook') {
      out.push({ ...n, to: null });
      continue;
    }
    const to = addressOf(n.channel, n.recipient, contacts, commandCenter)?.trim();
    if (to) out.push({ ...n, to });
  }
  return out;
}
