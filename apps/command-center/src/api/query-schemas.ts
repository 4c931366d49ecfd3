import { z } from 'zod';
import { DEAD_LETTER_REASONS, GRADES, INCIDENT_STATUSES } from '@app/contracts';

const page = {
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
};
const isoDate = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), 'not an ISO-8601 date-time')
  .transform((s) => new Date(s));

export const enterpriseListQuery = z.object({ grade: z.enum(GRADES).optional(), substationId: z.string().max(64).optional(), ...page });
export const alarmListQuery = z.object({ status: z.enum(['open', 'cleared']).optional(), grade: z.enum(GRADES).optional(), enterpriseId: z.string().max(64).optional(), ...page });
export const incidentListQuery = z.object({ status: z.enum([...INCIDENT_STATUSES, 'open']).optional(), substationId: z.string().max(64).optional(), enterpriseId: z.string().max(64).optional(), ...page });
export const deadLetterListQuery = z.object({ reason: z.enum(DEAD_LETTER_REASONS).optional(), ...page });
export const historyQuery = z.object({ limit: page.limit });
export const readingsQuery = z
  .object({
    from: isoDate.optional(),
    to: isoDate.optional(),
    bucket: z.coerce.number().int().min(1).max(30 * 86400).optional(),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: 'from must be before to', path: ['from'] });
export const complianceQuery = z
  .object({ from: isoDate.optional(), to: isoDate.optional(), substation: z.string().max(64).optional() })
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: 'from must be before to', path: ['from'] });

export const incidentActionBody = z
  .object({ substationId: z.string().min(1).max(64).optional(), by: z.string().min(1).max(128).optional() })
  .strict();
export type IncidentActionBody = z.infer<typeof incidentActionBody>;
