import { z } from 'zod';
import { DEAD_LETTER_REASONS, DEVICE_TYPE_NAMES, DEVICE_TYPES, GRADES, METRIC_NAMES, MetricName, reportedMetrics } from '@app/contracts';

const alias = z.string().regex(/^[a-z][a-z0-9-]*$/, 'an alias is lower-case letters, digits and dashes');
const deviceType = z.enum(DEVICE_TYPE_NAMES as [string, ...string[]]);
const metric = z.enum(METRIC_NAMES as [string, ...string[]]);
const seconds = z.number().finite().nonnegative();

/** Which enterprises of the zone play a part: named ones, or the first that fit. */
const enterpriseSelector = z
  .object({
    ids: z
      .array(z.string().regex(/^E\d{4}$/, 'an enterprise id looks like E0001'))
      .min(1)
      .optional(),
    count: z.number().int().min(1).max(10_000).default(1),
    /** At least this many devices of each type. */
    with: z.partialRecord(deviceType, z.number().int().min(1)).default({}),
    /** Premises without any standing hazard, so the grade shows the live findings alone. */
    noStandingHazards: z.boolean().default(false),
  })
  .strict();

const deviceGroup = z
  .object({
    enterprise: alias,
    types: z.array(deviceType).min(1).optional(),
    /** The first N matching devices of each enterprise; all when left out. */
    count: z.number().int().min(1).optional(),
  })
  .strict();

const step = { at: seconds, devices: alias };
const readingValue = z.union([z.number().finite(), z.boolean()]);
const rawMessage = z
  .object({
    at: seconds,
    do: z.literal('raw'),
    /** Fills {enterprise} and {device} in the topic and payload; {ts} and {ts+S} are the scenario timestamp (ms), S seconds later. */
    devices: alias.optional(),
    topic: z.string().min(1),
    payload: z.string().optional(),
    json: z.unknown().optional(),
    base64: z.string().optional(),
    bytes: z
      .number()
      .int()
      .min(1)
      .max(16 * 1024 * 1024)
      .optional(),
    repeat: z.number().int().min(1).max(100_000).default(1),
    qos: z.union([z.literal(0), z.literal(1)]).default(1),
  })
  .strict()
  .refine((r) => [r.payload, r.json, r.base64, r.bytes].filter((x) => x !== undefined).length === 1, {
    message: 'a raw step has exactly one of payload, json, base64 or bytes',
  });

export const scenarioStepSchema = z.discriminatedUnion('do', [
  z
    .object({ ...step, do: z.literal('set'), metrics: z.partialRecord(metric, readingValue), intervalS: z.number().positive().optional() })
    .strict(),
  z
    .object({
      ...step,
      do: z.literal('ramp'),
      metrics: z.partialRecord(
        metric,
        z.object({ from: z.number().finite().optional(), to: z.number().finite(), overS: z.number().positive() }).strict(),
      ),
      intervalS: z.number().positive().optional(),
    })
    .strict(),
  z.object({ ...step, do: z.literal('normal') }).strict(),
  z.object({ ...step, do: z.literal('offline'), mode: z.enum(['power-cut', 'hang']).default('power-cut') }).strict(),
  z.object({ ...step, do: z.literal('online') }).strict(),
  rawMessage,
]);
export type ScenarioStep = z.infer<typeof scenarioStepSchema>;

const grade = z.enum(GRADES);
const count = { min: z.number().int().min(0).optional(), max: z.number().int().min(0).optional() };

export const scenarioCheckSchema = z.discriminatedUnion('check', [
  /** Open alarms summed over the alias's enterprises. */
  z
    .object({ check: z.literal('openAlarms'), enterprise: alias, ruleId: z.string().optional(), grade: grade.optional(), ...count })
    .strict(),
  /** Every enterprise of the alias has a grade in `is`, or at least `atLeast`. */
  z
    .object({
      check: z.literal('enterpriseGrade'),
      enterprise: alias,
      is: z.array(grade.nullable()).min(1).optional(),
      atLeast: grade.optional(),
    })
    .strict()
    .refine((c) => (c.is === undefined) !== (c.atLeast === undefined), { message: 'give exactly one of is or atLeast' }),
  /** Open incidents summed over the alias's enterprises. */
  z.object({ check: z.literal('openIncidents'), enterprise: alias, ...count }).strict(),
  /** Dead letters of a reason, counted since the run started. */
  z.object({ check: z.literal('deadLetters'), reason: z.enum(DEAD_LETTER_REASONS), ...count }).strict(),
]);
export type ScenarioCheck = z.infer<typeof scenarioCheckSchema>;

export const scenarioSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().min(1),
    /** Scenario seconds the run lasts; the timeline must fit. */
    durationS: z.number().positive(),
    enterprises: z.record(alias, enterpriseSelector).refine((r) => Object.keys(r).length > 0, { message: 'name at least one enterprise' }),
    devices: z.record(alias, deviceGroup).default({}),
    timeline: z.array(scenarioStepSchema).default([]),
    expect: z
      .object({
        /** How long the system may take to show it all, after the timeline, in wall seconds. */
        withinS: z.number().positive().default(20),
        checks: z.array(scenarioCheckSchema).min(1),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    for (const [name, g] of Object.entries(s.devices)) {
      if (!(g.enterprise in s.enterprises))
        issue(['devices', name, 'enterprise'], `no enterprise alias "${g.enterprise}" (have: ${Object.keys(s.enterprises).join(', ')})`);
    }
    s.timeline.forEach((t, i) => {
      if (t.at > s.durationS) issue(['timeline', i, 'at'], `at ${t.at} s is after the end of the scenario (durationS ${s.durationS})`);
      if (t.devices !== undefined && !(t.devices in s.devices)) {
        issue(['timeline', i, 'devices'], `no device group "${t.devices}" (have: ${Object.keys(s.devices).join(', ') || 'none'})`);
        return;
      }
      if ((t.do === 'set' || t.do === 'ramp') && t.devices !== undefined) {
        const types = s.devices[t.devices].types ?? DEVICE_TYPE_NAMES;
        for (const m of Object.keys(t.metrics)) {
          if (!types.some((type) => reportedMetrics(type as keyof typeof DEVICE_TYPES).includes(m as MetricName))) {
            issue(['timeline', i, 'metrics', m], `no device of group "${t.devices}" (${types.join(', ')}) reports ${m}`);
          }
        }
      }
    });
    s.expect?.checks.forEach((c, i) => {
      if ('enterprise' in c && !(c.enterprise in s.enterprises))
        issue(['expect', 'checks', i, 'enterprise'], `no enterprise alias "${c.enterprise}"`);
      if ('min' in c && c.min !== undefined && c.max !== undefined && c.min > c.max) issue(['expect', 'checks', i], 'min is above max');
      if (
        (c.check === 'openAlarms' || c.check === 'openIncidents' || c.check === 'deadLetters') &&
        c.min === undefined &&
        c.max === undefined
      ) {
        issue(['expect', 'checks', i], 'give min, max or both');
      }
    });
  });
export type Scenario = z.infer<typeof scenarioSchema>;
