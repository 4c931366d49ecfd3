import { z } from 'zod';
import { HAZARD_REPORT_GROUPINGS } from '@app/storage';
import { named } from '../api/response-schemas';

const time = z.iso.datetime();
const isoDate = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const id = z.string().min(1).max(64);

export const campaignBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    until: isoDate.describe('when the campaign ends; after now'),
    enterpriseIds: z.array(id).min(1).max(5000).optional().describe('the enterprises it covers'),
    substationId: id.optional().describe("or every active enterprise of this substation's area, as it is now"),
  })
  .refine((b) => (b.enterpriseIds === undefined) !== (b.substationId === undefined), {
    message: 'exactly one of enterpriseIds and substationId',
    path: ['enterpriseIds'],
  });
export type CampaignBody = z.output<typeof campaignBody>;

export const campaignListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

export const campaign = named(
  'Campaign',
  z.strictObject({
    id: z.string(),
    name: z.string(),
    until: time,
    createdBy: z.string(),
    createdAt: time,
    enterpriseIds: z.array(z.string()),
  }),
);

const figures = {
  inspected: z.number().int().describe('enterprises with an inspection naming the campaign (of one enterprise: 0 or 1)'),
  findings: z.number().int().describe("hazards the campaign's inspections found"),
  rectified: z.number().int().describe('of those, rectified (awaiting re-inspection or verified)'),
  verified: z.number().int().describe('of those, verified by a re-inspection'),
  overdue: z.number().int().describe('of those, still to be rectified past the deadline now'),
};

export const campaignProgress = named(
  'CampaignProgress',
  campaign.extend({
    total: z.strictObject({ enterprises: z.number().int(), ...figures }),
    enterprises: z.array(z.strictObject({ enterpriseId: z.string(), name: z.string(), ...figures })),
  }),
);

export const hazardReportQuery = z
  .object({
    from: isoDate.optional().describe('default: 30 days before to'),
    to: isoDate.optional().describe('default: now'),
    groupBy: z.enum(HAZARD_REPORT_GROUPINGS).default('substation'),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: 'from must be before to', path: ['from'] });

const reportFigures = {
  opened: z.number().int().describe('hazards opened in the period'),
  rectified: z.number().int().describe('rectifications recorded in the period (again after a failed re-inspection)'),
  verified: z.number().int().describe('re-inspections in the period that passed'),
  overdueShare: z.number().nullable().describe('of the hazards opened in the period, the share past a deadline unrectified at least once'),
  medianDaysToRectify: z.number().nullable().describe('of those rectified since, median days from opening to the first rectification'),
  reinspectionPassRate: z.number().nullable().describe('passed re-inspections over all re-inspections in the period'),
};

export const hazardReport = named(
  'HazardReport',
  z.strictObject({
    from: time,
    to: time,
    groupBy: z.enum(HAZARD_REPORT_GROUPINGS),
    zone: z.strictObject(reportFigures),
    groups: z
      .array(z.strictObject({ key: z.string().nullable().describe('the substation, enterprise or hazard kind'), ...reportFigures }))
      .describe('most opened first, then by key'),
  }),
);
