import { z } from 'zod';
import { GRADES } from '@app/contracts';

/** The events people are told about (the bus's incident events map onto the first five). */
export const NOTIFICATION_EVENTS = [
  'incident.opened',
  'incident.graded',
  'incident.escalated',
  'incident.renotified',
  'incident.resolved',
  'hazard.overdue',
  'device.offline',
  'notification.failed',
] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

/** Who a route names: contacts found in the register at the time of the event, or the command center itself. */
export const RECIPIENT_KINDS = ['substation-duty', 'backup-duty', 'command-center', 'enterprise-responsible'] as const;
export type RecipientKind = (typeof RECIPIENT_KINDS)[number];

/** A signed webhook, e-mail over SMTP and an SMS/voice gateway over HTTP. */
export const NOTIFICATION_CHANNELS = ['webhook', 'email', 'sms'] as const;
export type NotificationChannelName = (typeof NOTIFICATION_CHANNELS)[number];

const routeSchema = z
  .object({
    events: z.array(z.enum(NOTIFICATION_EVENTS)).min(1),
    /** Absent: every grade (events without a grade, such as device.offline, match only such a route). */
    grades: z.array(z.enum(GRADES)).min(1).optional(),
    to: z.array(z.enum(RECIPIENT_KINDS)).min(1),
    channels: z.array(z.enum(NOTIFICATION_CHANNELS)).min(1).default(['webhook']),
  })
  .strict();

export type NotificationRoute = z.output<typeof routeSchema>;

export const notificationRoutesSchema = z.object({ routes: z.array(routeSchema) }).strict();

/**
 * What a zone gets without NOTIFY_FILE: every event to the command center; the assigned substation's duty contacts
 * hear of their incident, the backup's of an escalation, the enterprise's responsible contact of an opening and its end;
 * an overdue hazard goes to the enterprise's responsible contact and its substation's duty contacts.
 */
export const DEFAULT_NOTIFICATION_ROUTES: readonly NotificationRoute[] = [
  { events: [...NOTIFICATION_EVENTS], to: ['command-center'], channels: ['webhook', 'email', 'sms'] },
  {
    events: ['incident.opened', 'incident.graded', 'incident.escalated', 'incident.renotified', 'incident.resolved'],
    to: ['substation-duty'],
    channels: ['webhook', 'email', 'sms'],
  },
  { events: ['incident.escalated', 'incident.renotified'], to: ['backup-duty'], channels: ['webhook', 'email', 'sms'] },
  { events: ['incident.opened', 'incident.resolved'], to: ['enterprise-responsible'], channels: ['webhook', 'email'] },
  // Responsibility to a person (责任到人): a rectification past its deadline goes to who owes it and to the area's substation.
  { events: ['hazard.overdue'], to: ['enterprise-responsible', 'substation-duty'], channels: ['webhook'] },
];

export class NotificationRoutesError extends Error {}

/** A routes document (NOTIFY_FILE) checked whole; the message names the first bad field. */
export function parseNotificationRoutes(document: unknown): NotificationRoute[] {
  const result = notificationRoutesSchema.safeParse(document);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(document)'}: ${i.message}`);
    throw new NotificationRoutesError(`invalid notification routes: ${problems.join('; ')}`);
  }
  return result.data.routes;
}
