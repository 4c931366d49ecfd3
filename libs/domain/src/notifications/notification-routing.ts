import type { Grade } from '@app/contracts';
import type { NotificationChannelName, NotificationEvent, NotificationRoute, RecipientKind } from './notification-route';

/** The recipient of the command center itself (not a register contact). */
export const COMMAND_CENTER_RECIPIENT = 'command-center';

/** A contact from the register, as routing needs it. */
export interface NotificationContact {
  id: string;
  role: 'responsible' | 'duty' | 'manager';
  enterpriseId: string | null;
  substationId: string | null;
  /** A retired contact is told of nothing. */
  status: 'active' | 'retired';
  /** Where the email and sms channels reach the contact; '' or absent: not on that channel. */
  email?: string;
  phone?: string;
}

/** One thing that happened, with what decides who hears of it. */
export interface NotifiableEvent {
  /** Stable for one event, whoever handles it and however often: part of each delivery's idempotency key. */
  sourceId: string;
  type: NotificationEvent;
  grade: Grade | null;
  incidentId: string | null;
  enterpriseId: string | null;
  substationId: string | null;
  backupSubstationIds: readonly string[];
}

export interface RoutedNotification {
  idempotencyKey: string;
  channel: NotificationChannelName;
  /** `command-center` or `contact:<id>`. */
  recipient: string;
}

function recipientsOf(kind: RecipientKind, event: NotifiableEvent, contacts: readonly NotificationContact[]): string[] {
  const live = contacts.filter((c) => c.status === 'active');
  const ids = (pick: (c: NotificationContact) => boolean) => live.filter(pick).map((c) => `contact:${c.id}`);
  switch (kind) {
    case 'command-center':
      return [COMMAND_CENTER_RECIPIENT];
    case 'substation-duty':
      return event.substationId === null ? [] : ids((c) => c.role === 'duty' && c.substationId === event.substationId);
    case 'backup-duty':
      return ids((c) => c.role === 'duty' && c.substationId !== null && event.backupSubstationIds.includes(c.substationId));
    case 'enterprise-responsible':
      return event.enterpriseId === null ? [] : ids((c) => c.role === 'responsible' && c.enterpriseId === event.enterpriseId);
  }
}

function matches(route: NotificationRoute, event: NotifiableEvent): boolean {
  if (!route.events.includes(event.type)) return false;
  if (route.grades === undefined) return true;
  return event.grade !== null && route.grades.includes(event.grade);
}

/**
 * Who hears of an event, on which channel: every matching route's recipients on each of its channels that is
 * configured, once per (channel, recipient) however many routes name them, in route order.
 */
export function routeNotifications(
  event: NotifiableEvent,
  contacts: readonly NotificationContact[],
  routes: readonly NotificationRoute[],
  configuredChannels: readonly NotificationChannelName[],
): RoutedNotification[] {
  const out = new Map<string, RoutedNotification>();
  for (const route of routes) {
    if (!matches(route, event)) continue;
    for (const channel of route.channels) {
      if (!configuredChannels.includes(channel)) continue;
      for (const kind of route.to) {
        for (const recipient of recipientsOf(kind, event, contacts)) {
          const idempotencyKey = `${event.sourceId}|${channel}|${recipient}`;
          if (!out.has(idempotencyKey)) out.set(idempotencyKey, { idempotencyKey, channel, recipient });
        }
      }
    }
  }
  return [...out.values()];
}
