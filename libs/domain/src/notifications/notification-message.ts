import type { IncidentSnapshotV1, MilestoneSnapshotV1 } from '@app/contracts';
import type { NotificationEvent } from './notification-route';

/** What an e-mail or a text message is written from: the stored payload of its outbox row. */
export interface NotificationMessageInput {
  type: NotificationEvent;
  /** ISO time of the event. */
  at: string;
  incident: IncidentSnapshotV1;
  enterpriseName?: string;
  substationName?: string;
  /** A substation's contact's signed links (see action-link.ts). */
  actions?: { acknowledge: string; arrive: string };
}

export interface NotificationMessage {
  subject: string;
  /** Plain text, short lines, for a phone's mail app. */
  text: string;
  /** One SMS: at most SMS_MAX_CHARS. */
  short: string;
}

export const SMS_MAX_CHARS = 160;

const HEADLINES: Record<NotificationEvent, string> = {
  'incident.opened': 'Incident opened',
  'incident.graded': 'Incident regraded',
  'incident.escalated': 'Incident escalated',
  'incident.renotified': 'Incident still unanswered',
  'incident.resolved': 'Incident resolved',
  'hazard.overdue': 'Hazard overdue',
  'device.offline': 'Device offline',
  'notification.failed': 'Notification failed',
};

const MILESTONE_LABELS: Record<MilestoneSnapshotV1['name'], string> = {
  acknowledged: 'Acknowledge',
  onScene: 'On scene',
  underControl: 'Under control',
};

/** `2026-03-02 08:01:00 UTC`: the zone's clocks are UTC; a time zone named is not mistaken on a phone abroad. */
function time(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** `08:01Z`, for the 160 characters of an SMS. */
function shortTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 16)}Z`;
}

function named(name: string | undefined, id: string): string {
  return name && name !== id ? `${name} (${id})` : id;
}

function outcomeLine(r: NonNullable<IncidentSnapshotV1['resolution']>): string {
  return `${r.outcome}${r.cause ? ` (${r.cause})` : ''}${r.note ? ` - ${r.note}` : ''}`;
}

function milestoneLine(m: MilestoneSnapshotV1): string {
  const state = m.at !== null ? `done ${time(m.at)}` : 'open';
  return `  ${MILESTONE_LABELS[m.name]}: due ${time(m.dueAt)} (${state})`;
}

/** The next milestone still open: what the person reading should do, and by when. */
function nextDue(incident: IncidentSnapshotV1): MilestoneSnapshotV1 | undefined {
  return incident.resolvedAt === null ? incident.milestones.find((m) => m.at === null) : undefined;
}

/** Subject, body and SMS text of one incident notification. Pure: the same payload gives the same message on every retry. */
export function notificationMessage(input: NotificationMessageInput, deliveryId: string): NotificationMessage {
  const { incident } = input;
  const headline = HEADLINES[input.type];
  const grade = incident.grade.toUpperCase();
  const enterprise = named(input.enterpriseName, incident.enterpriseId);
  const substation = named(input.substationName, incident.substationId);
  const subject = `[ZONE ${grade}] ${headline}: ${enterprise} - incident ${incident.id}`;
  const lines = [
    `${headline} (${input.type})`,
    '',
    `Incident:   ${incident.id}`,
    `Enterprise: ${enterprise}`,
    `Grade:      ${grade} (level ${incident.level})`,
    `Substation: ${substation}`,
    ...(incident.backupSubstationIds.length > 0 ? [`Backup:     ${incident.backupSubstationIds.join(', ')}`] : []),
    `Status:     ${incident.status}`,
    `Event at:   ${time(Date.parse(input.at))}`,
    `Dispatched: ${time(incident.dispatchedAt)}`,
    ...(incident.resolvedAt !== null ? [`Resolved:   ${time(incident.resolvedAt)}`] : []),
    ...(incident.resolution ? [`Outcome:    ${outcomeLine(incident.resolution)}`] : []),
    ...(incident.milestones.length > 0 ? ['', 'Due:', ...incident.milestones.map(milestoneLine)] : []),
    ...(input.actions
      ? [
          '',
          'Act from here (each link works once, until the incident is resolved):',
          `  Acknowledge: ${input.actions.acknowledge}`,
          `  On scene:    ${input.actions.arrive}`,
        ]
      : []),
    '',
    `Delivery ${deliveryId}`,
  ];
  const due = nextDue(incident);
  const dueText = due ? ` ${MILESTONE_LABELS[due.name]} by ${shortTime(due.dueAt)}.` : '';
  const sms = (e: string, s: string) => `ZONE ${grade}: ${headline} ${incident.id} at ${e}, substation ${s}.${dueText}`;
  // Names make a text readable, but what must survive 160 characters is the incident, the grade and the deadline.
  const candidates = [
    sms(enterprise, substation),
    sms(input.enterpriseName ?? incident.enterpriseId, incident.substationId),
    sms(incident.enterpriseId, incident.substationId),
  ];
  const short = candidates.find((c) => [...c].length <= SMS_MAX_CHARS) ?? truncate(candidates[2], SMS_MAX_CHARS);
  return { subject, text: `${lines.join('\n')}\n`, short };
}

function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
