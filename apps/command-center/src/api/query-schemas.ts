import { z } from 'zod';
import {
  DEAD_LETTER_REASONS,
  type DeviceType,
  DEVICE_TYPE_NAMES,
  GRADES,
  INCIDENT_OUTCOMES,
  INCIDENT_STATUSES,
  SIGNAL_CLASSES,
} from '@app/contracts';
import { checkResolution, FALSE_ALARM_CAUSES, OUTCOME_NOTE_MAX_LENGTH } from '@app/domain';
import { FALSE_ALARM_GROUPINGS } from '@app/storage';
import { cursorParam } from './pagination';

const isoDate = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), 'not an ISO-8601 date-time')
  .transform((s) => new Date(s))
  .meta({ format: 'date-time', example: '2026-11-25T08:00:00Z' });
const limit = z.coerce.number().int().min(1).max(1000).default(100).describe('at most this many items');
/** The sort key of a time-ordered list (newest first), as its cursor carries it. */
const timeAndId = <I extends z.ZodType>(id: I) => z.strictObject({ at: z.iso.datetime().transform((s) => new Date(s)), id });
/** Every list pages the same way: limit, then offset or the cursor of the page before. */
const page = <P extends z.ZodType>(cursorPayload: P) => ({
  limit,
  offset: z.coerce.number().int().min(0).default(0).describe('skip this many items (after the cursor, when one is given)'),
  cursor: cursorParam(cursorPayload)
    .optional()
    .describe('continue after the page that answered with this X-Next-Cursor; unlike offset, not shifted by newer items'),
});
const id = (what: string) => z.string().max(64).optional().describe(what);

export const enterpriseListQuery = z.object({
  grade: z.enum(GRADES).optional().describe('only enterprises at this grade'),
  substationId: id('only enterprises this substation covers'),
  ...page(z.strictObject({ id: z.string().max(64) })),
});
export const deviceListQuery = z.object({
  q: z.string().min(1).max(64).optional().describe('only devices whose id starts with this, whatever the case'),
  enterpriseId: id('only devices of this enterprise'),
  type: z.enum(DEVICE_TYPE_NAMES as [DeviceType, ...DeviceType[]]).optional(),
  status: z.enum(['active', 'retired']).optional().describe('retired: the device or its enterprise is'),
  online: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('false also finds devices never heard of'),
  ...page(z.strictObject({ id: z.string().max(64) })),
});
export const alarmListQuery = z.object({
  status: z.enum(['open', 'cleared']).optional(),
  grade: z.enum(GRADES).optional(),
  class: z.enum(SIGNAL_CLASSES).optional().describe('only alarms of this signal class'),
  enterpriseId: id('only alarms of this enterprise'),
  deviceId: id('only alarms of this device'),
  ...page(timeAndId(z.string().max(128))),
});
export const incidentListQuery = z.object({
  status: z
    .enum([...INCIDENT_STATUSES, 'open'])
    .optional()
    .describe('open: every status but resolved'),
  grade: z.enum(GRADES).optional(),
  substationId: id('only incidents this substation is assigned to or backs up'),
  enterpriseId: id('only incidents of this enterprise'),
  ...page(timeAndId(z.string().max(128))),
});
export const deadLetterListQuery = z.object({
  reason: z.enum(DEAD_LETTER_REASONS).optional(),
  deviceId: id('only what this device sent'),
  ...page(timeAndId(z.number().int())),
});
export const auditListQuery = z
  .object({
    entity: z.string().max(64).optional().describe('only records of this kind of entity (token, device, incident, …)'),
    entityId: z.string().max(128).optional().describe('only records of this entity'),
    actor: z.string().max(128).optional().describe('only writes made with this token id'),
    from: isoDate.optional().describe('records from this time on'),
    to: isoDate.optional().describe('and before this time'),
    ...page(timeAndId(z.number().int())),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: 'from must be before to', path: ['from'] });
export const tokenListQuery = z.object({ ...page(timeAndId(z.string().max(64))) });
export const historyQuery = z.object({ limit });
export const readingsQuery = z
  .object({
    from: isoDate.optional().describe('default: an hour before to'),
    to: isoDate.optional().describe('default: now'),
    bucket: z.coerce
      .number()
      .int()
      .min(1)
      .max(30 * 86400)
      .optional()
      .describe("seconds per bucket (an enterprise's readings: 300 by default; a device's: every reading a point of its own)"),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: 'from must be before to', path: ['from'] });
export const complianceQuery = z
  .object({
    from: isoDate.optional().describe('incidents dispatched from this time on; default: 30 days before to'),
    to: isoDate.optional().describe('and before this time; default: now'),
    substation: z.string().max(64).optional().describe('one substation only'),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: 'from must be before to', path: ['from'] });

export const incidentActionBody = z
  .object({
    substationId: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe('operators: the substation acted for (default: the command center); a substation token always acts as itself'),
    by: z.string().min(1).max(128).optional().describe("who did it, for the record; default: the token's name (@ the substation)"),
  })
  .strict();
export type IncidentActionBody = z.infer<typeof incidentActionBody>;

const causeCodes = FALSE_ALARM_CAUSES.map((c) => c.code);
/**
 * Resolving says how it ended. The outcome's type is the schema's; what a cause and a note may be is the domain's
 * rule (checkResolution), so each bad field is named once: the document still shows the causes and the length.
 */
export const incidentResolveBody = incidentActionBody
  .extend({
    outcome: z.enum(INCIDENT_OUTCOMES).describe('how the incident ended'),
    cause: z
      .string()
      .nullish()
      .meta({ enum: causeCodes })
      .describe('required for a false-alarm (unknown when not found), refused for any other outcome'),
    note: z.string().nullish().meta({ maxLength: OUTCOME_NOTE_MAX_LENGTH }).describe('what the crew found'),
  })
  .superRefine((body, ctx) => {
    for (const p of checkResolution(body)) ctx.addIssue({ code: 'custom', path: [p.field], message: p.message });
  });
export type IncidentResolveBody = z.infer<typeof incidentResolveBody>;

export const falseAlarmReportQuery = z
  .object({
    from: isoDate.optional().describe('incidents resolved from this time on; default: 30 days before to'),
    to: isoDate.optional().describe('and before this time; default: now'),
    groupBy: z
      .enum(FALSE_ALARM_GROUPINGS)
      .default('enterprise')
      .describe('the device of an incident is the device of the alarm that opened it'),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: 'from must be before to', path: ['from'] });

/** Comments, notes and assignees are read by people: text of 1 to 2,000 characters after trimming. */
const HANDLING_TEXT_MAX = 2000;
const handlingText = (what: string) => z.string().trim().min(1).max(HANDLING_TEXT_MAX).describe(what);

export const alarmAcknowledgeBody = z.object({ note: handlingText('kept as a comment of kind acknowledge').optional() }).strict();
export type AlarmAcknowledgeBody = z.output<typeof alarmAcknowledgeBody>;
export const alarmCommentBody = z.object({ text: handlingText('the comment') }).strict();
export type AlarmCommentBody = z.output<typeof alarmCommentBody>;
export const alarmAssignBody = z
  .object({ to: z.string().trim().min(1).max(200).describe('who follows it up: a person, a team or a substation') })
  .strict();
export type AlarmAssignBody = z.output<typeof alarmAssignBody>;
export const maintenanceListQuery = z.object({
  enterpriseId: id('only faults of this enterprise'),
  substationId: id("only faults in this substation's area"),
  deviceType: z.enum(DEVICE_TYPE_NAMES as [DeviceType, ...DeviceType[]]).optional(),
  ...page(timeAndId(z.string().max(128))),
});
