import { z } from 'zod';
import { DEVICE_TYPE_NAMES } from '@app/contracts';

/** The four kinds of row a zone register holds, in the order they depend on each other. */
export const REGISTER_KINDS = ['substations', 'enterprises', 'devices', 'contacts'] as const;
export type RegisterKind = (typeof REGISTER_KINDS)[number];

const id = z.string().trim().min(1).max(64);
const text = (max: number) => z.string().trim().max(max);
const status = z.enum(['active', 'retired']).default('active');
const lat = z.number().min(-90).max(90);
const lon = z.number().min(-180).max(180);
const location = z.object({ lat, lon }).strict();

export const substationRow = z
  .object({
    id,
    name: text(200).min(1),
    location,
    area: z
      .object({ minLat: lat, minLon: lon, maxLat: lat, maxLon: lon })
      .strict()
      .refine((a) => a.minLat < a.maxLat && a.minLon < a.maxLon, { message: 'min must be below max' }),
    capacity: z.number().int().min(1).max(1000),
    status,
  })
  .strict();

const hazards = z
  .object({
    threeInOne: z.boolean().default(false),
    multiTenant: z.boolean().default(false),
    tenants: z.number().int().min(0).max(10_000).default(0),
    unauthorisedStructures: z.boolean().default(false),
    fireLaneBlocked: z.boolean().default(false),
    noSprinklers: z.boolean().default(false),
  })
  .strict();

const profile = z
  .object({
    floors: z.number().int().min(0).max(300).nullable().default(null),
    areaM2: z.number().min(0).max(10_000_000).nullable().default(null),
    occupants: z.number().int().min(0).max(1_000_000).nullable().default(null),
  })
  .strict();

export const enterpriseRow = z
  .object({
    id,
    name: text(200).min(1),
    industry: text(100).min(1),
    address: text(500).default(''),
    location,
    substationId: id,
    status,
    hazards: hazards.prefault({}),
    profile: profile.prefault({}),
    // Codes and value types are checked against the indicator catalogue, which is data.
    indicators: z.record(z.string(), z.union([z.number(), z.boolean(), z.string()])).default({}),
  })
  .strict();

export const deviceRow = z
  .object({
    id,
    enterpriseId: id,
    type: z.enum(DEVICE_TYPE_NAMES as [string, ...string[]], { message: `a device type: ${DEVICE_TYPE_NAMES.join(', ')}` }),
    reportIntervalS: z.number().int().min(1).max(86_400),
    status,
  })
  .strict();

export const contactRow = z
  .object({
    id,
    name: text(200).min(1),
    phone: text(40).default(''),
    email: z.union([z.literal(''), z.email()]).default(''),
    role: z.enum(['responsible', 'duty', 'manager']),
    enterpriseId: id.nullable().default(null),
    substationId: id.nullable().default(null),
    status,
  })
  .strict()
  .refine((c) => (c.enterpriseId === null) !== (c.substationId === null), {
    message: 'exactly one of enterpriseId and substationId',
    path: ['enterpriseId'],
  });

export type RegisterSubstation = z.output<typeof substationRow>;
export type RegisterEnterprise = z.output<typeof enterpriseRow>;
export type RegisterDevice = z.output<typeof deviceRow>;
export type RegisterContact = z.output<typeof contactRow>;

export interface RegisterRows {
  substations: RegisterSubstation[];
  enterprises: RegisterEnterprise[];
  devices: RegisterDevice[];
  contacts: RegisterContact[];
}

export const ROW_SCHEMAS = {
  substations: substationRow,
  enterprises: enterpriseRow,
  devices: deviceRow,
  contacts: contactRow,
} satisfies Record<RegisterKind, z.ZodType>;

export function emptyRegister(): RegisterRows {
  return { substations: [], enterprises: [], devices: [], contacts: [] };
}
