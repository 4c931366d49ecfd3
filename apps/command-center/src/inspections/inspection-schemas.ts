import { z } from 'zod';
import { GRADES } from '@app/contracts';
import { EVIDENCE_TYPES, HAZARD_STATUSES, MAX_EVIDENCE_BYTES, MAX_EVIDENCE_FILES } from '@app/domain';
import { named } from '../api/response-schemas';

const time = z.iso.datetime();
const severity = z.enum(GRADES);
const note = z.string().max(2000);

export const EVIDENCE_RULES = `Evidence: at most ${MAX_EVIDENCE_FILES} files a request, each at most ${MAX_EVIDENCE_BYTES / 1024 / 1024} MiB, of type ${EVIDENCE_TYPES.join(', ')}, checked by the file's own bytes (a declared type that is not what the bytes are is refused). Refused whole: 413 EVIDENCE_TOO_LARGE, 415 EVIDENCE_TYPE_REFUSED, 400 TOO_MANY_EVIDENCE_FILES.`;

/** The routes whose JSON may carry evidence files, base64. */
export const EVIDENCE_PATHS = ['/api/inspections', '/api/hazards'];
/** Every file a request may carry at its largest, in base64 (4 characters for 3 bytes), with room for the rest of the body. */
export const EVIDENCE_BODY_LIMIT = Math.ceil((MAX_EVIDENCE_FILES * MAX_EVIDENCE_BYTES * 4) / 3) + 256 * 1024;

const evidenceUpload = z.strictObject({
  name: z.string().min(1).max(200).describe('the file name, as shown and downloaded'),
  contentType: z.string().min(1).max(100).meta({ example: 'image/png' }),
  dataBase64: z
    .string()
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64')
    .describe('the file, base64'),
});
const evidenceList = z.array(evidenceUpload).optional();

export const inspectionBody = z.strictObject({
  enterpriseId: z.string().min(1).max(64),
  at: z.iso
    .datetime({ offset: true })
    .transform((s) => new Date(s))
    .optional()
    .describe('when the inspection found what it found; default: now; not in the future'),
  note: note.optional(),
  campaignId: z.string().min(1).max(64).optional().describe('the campaign the inspection was part of'),
  findings: z
    .array(
      z.strictObject({
        kind: z.string().min(1).max(64).describe('a kind of GET /api/hazard-kinds'),
        severity: severity.optional().describe("default: the kind's default severity"),
        note: note.optional(),
        evidence: evidenceList,
      }),
    )
    .min(1)
    .max(50),
});
export type InspectionBody = z.output<typeof inspectionBody>;

export const rectifyBody = z.strictObject({
  note: note.min(1).describe('what was done'),
  evidence: evidenceList,
});
export type RectifyBody = z.output<typeof rectifyBody>;

export const verifyBody = z.strictObject({
  passed: z.boolean().describe('true: rectified as it should be (verified); false: reopened with a new deadline'),
  note: note.optional(),
  evidence: evidenceList,
});
export type VerifyBody = z.output<typeof verifyBody>;

export const evidenceBody = z.strictObject({ evidence: z.array(evidenceUpload).min(1) });
export type EvidenceBody = z.output<typeof evidenceBody>;

const page = {
  limit: z.coerce.number().int().min(1).max(1000).default(100).describe('at most this many items'),
  offset: z.coerce.number().int().min(0).default(0).describe('skip this many items'),
};

export const hazardListQuery = z.object({
  enterpriseId: z.string().max(64).optional().describe("only this enterprise's hazards (an enterprise token: its own, always)"),
  substationId: z.string().max(64).optional().describe("only the hazards of the enterprises this substation's area holds now"),
  status: z.enum(HAZARD_STATUSES).optional().describe('rectified: the re-inspections due'),
  overdue: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('true: open or reopened past the deadline; false: every other'),
  ...page,
});
export const inspectionListQuery = z.object({
  enterpriseId: z.string().max(64).optional().describe("only this enterprise's inspections (an enterprise token: its own, always)"),
  ...page,
});

export const hazardKind = named(
  'HazardKind',
  z.strictObject({
    kind: z.string(),
    name: z.string(),
    nameZh: z.string().nullable().describe('the Chinese term'),
    defaultSeverity: severity,
  }),
);

export const hazard = named(
  'Hazard',
  z.strictObject({
    id: z.string(),
    inspectionId: z.string(),
    enterpriseId: z.string(),
    kind: z.string(),
    kindName: z.string(),
    severity,
    note: z.string(),
    status: z.enum(HAZARD_STATUSES),
    overdue: z.boolean().describe('open or reopened, and past its deadline'),
    deadline: time.describe('rectify by then; a failed re-inspection sets a new one'),
    responsibleContactId: z.string().nullable().describe("the enterprise's responsible contact when it was found"),
    openedAt: time,
    rectifiedAt: time.nullable(),
    rectifiedBy: z.string().nullable(),
    rectifiedNote: z.string().nullable(),
    verifiedAt: time.nullable(),
    verifiedBy: z.string().nullable(),
    reopenCount: z.number().int(),
  }),
);

const actor = z.strictObject({ tokenId: z.string(), name: z.string(), role: z.string() });

export const evidence = named(
  'HazardEvidence',
  z.strictObject({
    id: z.string(),
    name: z.string(),
    contentType: z.enum(EVIDENCE_TYPES),
    sizeBytes: z.number().int(),
    sha256: z.string(),
    addedAt: time,
    addedBy: z.string(),
    stage: z.enum(['finding', 'rectification', 'reinspection', 'other']),
    url: z.string().describe('GET it with the same token'),
  }),
);

export const hazardDetail = named(
  'HazardDetail',
  hazard.extend({
    history: z.array(
      z.strictObject({
        at: time,
        action: z.enum(['opened', 'rectified', 'verified', 'reopened', 'evidence-added']),
        status: z.enum(HAZARD_STATUSES),
        deadline: time,
        actor,
        note: z.string().nullable(),
      }),
    ),
    evidence: z.array(evidence),
  }),
);

export const inspection = named(
  'Inspection',
  z.strictObject({
    id: z.string(),
    enterpriseId: z.string(),
    at: time,
    inspector: z.strictObject({ tokenId: z.string(), name: z.string() }),
    note: z.string(),
    campaignId: z.string().nullable(),
    recordedAt: time,
    hazardIds: z.array(z.string()),
  }),
);

export const recordedInspection = named('RecordedInspection', inspection.extend({ hazards: z.array(hazard) }));
