import { NOTIFICATION_EVENTS, type NotificationMessageInput } from '@app/domain';

/** The payload of an email or sms row: the message's content and the address fixed when it was stored. */
export type AddressedPayload = NotificationMessageInput & { to: string };

/** The row's payload as the email and sms channels read it, or null for one they cannot send (stored by another version). */
export function addressedPayload(payload: unknown): AddressedPayload | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const p = payload as Partial<AddressedPayload>;
  const incident = p.incident as Partial<AddressedPayload['incident']> | undefined;
  const ok =
    typeof p.to === 'string' &&
    p.to !== '' &&
    typeof p.at === 'string' &&
    (NOTIFICATION_EVENTS as readonly unknown[]).includes(p.type) &&
    typeof incident?.id === 'string' &&
    Array.isArray(incident.milestones);
  return ok ? (p as AddressedPayload) : null;
}
