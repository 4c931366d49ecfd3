import { z } from 'zod';
import {
  DEAD_LETTER_REASONS,
  DEVICE_TYPE_NAMES,
  GRADES,
  INCIDENT_OUTCOMES,
  INCIDENT_STATUSES,
  METRIC_NAMES,
  MILESTONE_NAMES,
  SIGNAL_CLASSES,
} from '@app/contracts';
import { NOTIFICATION_CHANNELS, NOTIFICATION_EVENTS, ruleSchema } from '@app/domain';
import { ROLES } from '../auth/roles';

/**
 * Response bodies of the /api routes as they go over the wire (times are ISO-8601 strings), each registered
 * under the name it has in the OpenAPI document. Objects are strict, so the response-schema test fails on a
 * field the code sends but this file does not name: the document cannot silently fall behind the code.
 */
export const apiSchemas = z.registry<{ id: string }>();

export function named<T extends z.ZodType>(id: string, schema: T): T {
  apiSchemas.add(schema, { id });
  return schema;
}

const time = z.iso.datetime();
const grade = named('Grade', z.enum(GRADES).describe('the four-colour risk grade, most severe first'));
const signalClass = named(
  'SignalClass',
  z
    .enum(SIGNAL_CLASSES)
    .describe(
      'fire, alarm (gas, electrical, other dangers), supervisory (protection impaired) or fault (the device itself), handled in that order',
    ),
);
const roleName = z.enum(ROLES);

function registerAnswerFields(prefix: string) {
  const kindCounts = z.strictObject({
    substations: z.number().int(),
    enterprises: z.number().int(),
    devices: z.number().int(),
    contacts: z.number().int(),
  });
  return z.strictObject({
    applied: z.boolean().describe(`${prefix}whether the import was written (never on a dry run or with any error)`),
    created: kindCounts.describe(`${prefix}rows new by id, per kind`),
    updated: kindCounts.describe(`${prefix}rows stored before and changed, per kind`),
    unchanged: kindCounts.describe(`${prefix}rows the same as stored, per kind`),
    errors: z
      .array(
        z.strictObject({
          kind: z.enum(['substations', 'enterprises', 'devices', 'contacts']).nullable(),
          row: z.number().int().nullable().describe('JSON: position in its array, from 1; CSV: line of the file, the header is 1'),
          id: z.string().nullable(),
          field: z.string().nullable().describe('dotted, as the CSV header'),
          message: z.string(),
        }),
      )
      .describe(`${prefix}every bad row`),
  });
}

function geoPointOf() {
  return z.strictObject({ lat: z.number(), lon: z.number() });
}

export const errorBody = named(
  'Error',
  z
    .strictObject({
      statusCode: z.number().int().min(400).max(599).meta({ example: 400 }),
      error: z.string().describe('the HTTP reason phrase').meta({ example: 'Bad Request' }),
      code: z
        .string()
        .describe(
          'what went wrong, for programs: VALIDATION_FAILED (with details), REGISTER_INVALID (an import with bad rows: its answer; a register write: details), ' +
            'ALREADY_EXISTS (a register POST of a stored id), ID_MISMATCH, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, PAYLOAD_TOO_LARGE, ' +
            'TOKEN_EXPIRED, TOKEN_REVOKED, ALREADY_REVOKED, a refused incident action (OUT_OF_ORDER, ALREADY_DONE, INCIDENT_RESOLVED, ' +
            'BEFORE_DISPATCH, WRONG_SUBSTATION), INTERNAL_SERVER_ERROR',
        )
        .meta({ example: 'VALIDATION_FAILED' }),
      message: z.string().describe('for people').meta({ example: 'grade: Invalid option: expected one of "red"|"orange"|"yellow"|"blue"' }),
      details: z
        .array(
          z.strictObject({ path: z.string().describe('the field, dotted; "request" for the whole query or body'), message: z.string() }),
        )
        .optional()
        .describe('one entry per invalid field (VALIDATION_FAILED only)'),
      ...registerAnswerFields('REGISTER_INVALID only: ').partial().shape,
    })
    .describe('The body of every 4xx and 5xx answer'),
);
export type ErrorBody = z.infer<typeof errorBody>;

export const registerImportResult = named('RegisterImportResult', registerAnswerFields(''));

const registerStatus = z.enum(['active', 'retired']);
export const registerSubstation = named(
  'RegisterSubstation',
  z.strictObject({
    id: z.string(),
    name: z.string(),
    location: geoPointOf(),
    area: z.strictObject({ minLat: z.number(), minLon: z.number(), maxLat: z.number(), maxLon: z.number() }),
    capacity: z.number().int(),
    status: registerStatus,
  }),
);
export const registerEnterprise = named(
  'RegisterEnterprise',
  z.strictObject({
    id: z.string(),
    name: z.string(),
    industry: z.string(),
    address: z.string(),
    location: geoPointOf(),
    substationId: z.string(),
    status: registerStatus,
    hazards: z.strictObject({
      threeInOne: z.boolean(),
      multiTenant: z.boolean(),
      tenants: z.number().int(),
      unauthorisedStructures: z.boolean(),
      fireLaneBlocked: z.boolean(),
      noSprinklers: z.boolean(),
    }),
    profile: z.strictObject({
      floors: z.number().int().nullable(),
      areaM2: z.number().nullable(),
      occupants: z.number().int().nullable(),
    }),
    indicators: z.record(z.string(), z.union([z.number(), z.boolean(), z.string()])).describe('by indicator code, see GET /api/indicators'),
  }),
);
export const registerDevice = named(
  'RegisterDevice',
  z.strictObject({
    id: z.string(),
    enterpriseId: z.string(),
    type: z.enum(DEVICE_TYPE_NAMES),
    reportIntervalS: z.number().int(),
    status: registerStatus,
  }),
);
export const registerContact = named(
  'RegisterContact',
  z.strictObject({
    id: z.string(),
    name: z.string(),
    phone: z.string(),
    email: z.string(),
    role: z.enum(['responsible', 'duty', 'manager']),
    enterpriseId: z.string().nullable(),
    substationId: z.string().nullable(),
    status: registerStatus.describe('a retired contact is told of nothing'),
  }),
);
export const registerExport = named(
  'ZoneRegister',
  z
    .strictObject({
      substations: z.array(registerSubstation).optional(),
      enterprises: z.array(registerEnterprise).optional(),
      devices: z.array(registerDevice).optional(),
      contacts: z.array(registerContact).optional(),
    })
    .describe('every kind, or the one asked for'),
);

export const indicatorDefinition = named(
  'IndicatorDefinition',
  z.strictObject({
    code: z.string(),
    name: z.string(),
    type: z.enum(['number', 'boolean', 'enum', 'string']),
    unit: z.string().optional().describe('number only'),
    min: z.number().optional(),
    max: z.number().optional(),
    values: z.array(z.string()).optional().describe('enum only: the allowed values'),
    maxLength: z.number().int().optional(),
  }),
);

const alarmFields = {
  id: z.string(),
  deviceId: z.string(),
  enterpriseId: z.string(),
  ruleId: z.string(),
  class: signalClass,
  metric: z.string().describe('a metric name, or offline for a silent device'),
  grade,
  status: z.enum(['open', 'cleared']),
  value: z.number().nullable().describe('the reading that raised or last updated it (booleans as 1/0)'),
  message: z.string(),
  raisedAt: time,
  updatedAt: time,
  clearedAt: time.nullable(),
  occurrences: z.number().int().describe('readings that confirmed it while open'),
  correlationId: z.string(),
  test: z.boolean().describe('raised in test mode: it opens no incident, moves no grade and counts in no report'),
};

/** An alarm as an enterprise's findings show it. */
export const alarm = named('Alarm', z.strictObject(alarmFields));

export const maintenanceItem = named(
  'MaintenanceItem',
  z.strictObject({
    alarmId: z.string().describe('the open fault alarm (GET /api/alarms/{id} has its handling)'),
    deviceId: z.string(),
    deviceType: z.enum(DEVICE_TYPE_NAMES),
    enterpriseId: z.string(),
    enterpriseName: z.string(),
    substationId: z.string().describe('the substation whose area holds the enterprise'),
    ruleId: z.string().describe('device.fault, battery.low, device.offline, or a fault rule of the rule file'),
    metric: z.string(),
    grade: grade,
    what: z.string().describe('what is wrong, as the rule said it last'),
    since: time.describe('when the fault was raised'),
    updatedAt: time,
    occurrences: z.number().int(),
    test: z.boolean().describe('raised while the device was in test mode'),
  }),
);

export const alarmComment = named(
  'AlarmComment',
  z.strictObject({
    kind: z.enum(['comment', 'acknowledge']).describe('a comment, or the note given with the acknowledgement'),
    at: time,
    by: z.string().describe('the name of the token that wrote it, as the audit records its actor'),
    text: z.string(),
  }),
);

/** An alarm as /api/alarms shows it: with what operators have done with it, which the risk engine's updates leave alone. */
export const handledAlarm = named(
  'HandledAlarm',
  z.strictObject({
    ...alarmFields,
    acknowledgedAt: time.nullable(),
    acknowledgedBy: z.string().nullable().describe('the name of the token that acknowledged it'),
    assignee: z.string().nullable().describe('who it is assigned to (free text: a person, a team or a substation)'),
    assignedAt: time.nullable(),
    assignedBy: z.string().nullable(),
    comments: z.array(alarmComment).describe('comments and acknowledgement notes, oldest first'),
  }),
);

const milestone = named(
  'Milestone',
  z.strictObject({
    name: z.enum(MILESTONE_NAMES),
    dueAt: time.describe('a fixed time after dispatch (1-3-5 minutes by default)'),
    at: time.nullable().describe('when it was reached; null until then'),
    met: z.boolean().nullable().describe('reached by dueAt; false as soon as dueAt has passed unmet; null only while it can still be met'),
    by: z.string().nullable(),
    renotifications: z.number().int().describe('re-notifications sent since it was escalated'),
  }),
);

const escalation = named(
  'Escalation',
  z.strictObject({
    milestone: z.enum(MILESTONE_NAMES),
    at: time,
    dueAt: time,
    backupSubstationId: z.string().nullable().describe('the substation called in; null when none was free'),
  }),
);

export const resolution = named(
  'IncidentResolution',
  z.strictObject({
    outcome: z.enum(INCIDENT_OUTCOMES),
    cause: z.string().nullable().describe("a false alarm's cause, from the catalogue"),
    note: z.string().nullable(),
    by: z.string().nullable().describe('who resolved it (the underControl milestone)'),
    at: time.nullable(),
  }),
);

export const incident = named(
  'Incident',
  z.strictObject({
    id: z.string(),
    enterpriseId: z.string(),
    substationId: z.string(),
    grade,
    class: signalClass
      .nullable()
      .describe('the class of its first-handled alarm (a fire joining makes it a fire); null when a grade change alone opened it'),
    level: z.number().int().describe('response level: 1 at dispatch, one more per escalation'),
    status: z.enum(INCIDENT_STATUSES),
    dispatchedAt: time,
    resolvedAt: time.nullable(),
    assignmentReason: z.string(),
    backupSubstationIds: z.array(z.string()),
    alarmIds: z.array(z.string()),
    milestones: z.array(milestone).describe('acknowledged, onScene, underControl'),
    escalations: z.array(escalation),
    resolution: resolution.nullable().describe('how it ended; null until resolved'),
  }),
);

export const notificationView = named(
  'Notification',
  z.strictObject({
    deliveryId: z.string().describe('the X-Zone-Delivery id, the same on every attempt'),
    channel: z.enum(NOTIFICATION_CHANNELS),
    recipient: z.string().describe('command-center, or contact:<id>'),
    event: z.enum(NOTIFICATION_EVENTS),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().int(),
    lastError: z.string().nullable().describe('why the last failed attempt failed'),
    createdAt: time.describe('when it was stored in the outbox'),
    deliveredAt: time.nullable(),
  }),
);

export const incidentDetail = named(
  'IncidentDetail',
  incident.extend({ notifications: z.array(notificationView).describe('who was told of it, oldest first') }),
);

const geoPoint = named('GeoPoint', z.strictObject({ lat: z.number(), lon: z.number() }));
const hazards = named(
  'Hazards',
  z.strictObject({
    threeInOne: z.boolean().describe('living, storage and work under one roof'),
    multiTenant: z.boolean(),
    tenants: z.number().int(),
    unauthorisedStructures: z.boolean(),
    fireLaneBlocked: z.boolean(),
    noSprinklers: z.boolean(),
  }),
);

export const operatingMode = named(
  'OperatingMode',
  z.strictObject({
    mode: z.enum(['normal', 'test', 'disabled']).describe('as in force now: a mode whose until has passed is normal'),
    until: time.nullable().describe('when a test or disabled mode ends by itself; null in normal mode'),
    reason: z.string().nullable(),
    setBy: z.string().nullable().describe('the name of the token that last set it (mode expiry when it ended by itself)'),
    setAt: time.nullable(),
  }),
);

const enterpriseFields = {
  id: z.string(),
  name: z.string(),
  industry: z.string(),
  location: geoPoint,
  substationId: z.string().describe('the substation covering it'),
  grade: grade
    .nullable()
    .describe(
      'every enterprise has one: with no live finding, the grade of its standing hazards, blue at the least (null only on a database from before that, until the risk engine has started)',
    ),
  gradeAt: time.nullable(),
  mode: operatingMode.describe('its mode, which all its devices are in at the least'),
};

const enterpriseSummary = named('EnterpriseSummary', z.strictObject(enterpriseFields));

/** An offset page of a filtered list: how many match, and this page of them. */
function offsetPage<T extends z.ZodType>(id: string, what: string, item: T) {
  return named(
    id,
    z.strictObject({
      total: z.number().int().describe(`${what} matching the filters`),
      limit: z.number().int(),
      offset: z.number().int(),
      items: z.array(item),
    }),
  );
}

export const enterprisePage = offsetPage('EnterprisePage', 'enterprises', enterpriseSummary);

const device = named(
  'Device',
  z.strictObject({
    id: z.string(),
    enterpriseId: z.string(),
    type: z.enum(DEVICE_TYPE_NAMES as [string, ...string[]]),
    reportIntervalS: z.number().int(),
    lastSeenAt: time.nullable(),
    online: z.boolean().nullable().describe('null until first heard of'),
    metrics: z.array(z.enum(METRIC_NAMES as [string, ...string[]])).describe('what this type of device reports'),
    mode: operatingMode.describe('its own mode (the enterprise may set a stricter one)'),
  }),
);

const listedDevice = named(
  'ListedDevice',
  z.strictObject({
    id: z.string(),
    enterpriseId: z.string(),
    type: z.enum(DEVICE_TYPE_NAMES as [string, ...string[]]),
    reportIntervalS: z.number().int(),
    status: z.enum(['active', 'retired']).describe('retired when the device or its enterprise is'),
    online: z.boolean().describe('false also for a device never heard of'),
    lastSeenAt: time.nullable().describe('its latest report; null until first heard of'),
    mode: operatingMode.describe('its own mode (the enterprise may set a stricter one)'),
  }),
);

export const devicePage = offsetPage('DevicePage', 'devices', listedDevice);

const enterpriseContact = named(
  'EnterpriseContact',
  z.strictObject({
    id: z.string(),
    name: z.string(),
    phone: z.string(),
    email: z.string(),
    role: z.enum(['responsible', 'duty', 'manager']),
  }),
);

export const enterprise = named(
  'Enterprise',
  z.strictObject({
    ...enterpriseFields,
    address: z.string().describe('empty when the register has none'),
    status: registerStatus,
    hazards,
    profile: registerEnterprise.shape.profile,
    indicators: registerEnterprise.shape.indicators,
    gradeReasons: z.array(z.string()),
    why: z
      .strictObject({ reasons: z.array(z.string()), findings: z.array(alarm).describe('its open alarms'), hazards })
      .describe('why it has its grade'),
    devices: z.array(device),
    contacts: z.array(enterpriseContact).describe('its contacts in id order (a contact has no status: none is retired)'),
  }),
);

export const substation = named(
  'Substation',
  z.strictObject({
    id: z.string(),
    name: z.string(),
    location: geoPoint,
    area: z.strictObject({ minLat: z.number(), minLon: z.number(), maxLat: z.number(), maxLon: z.number() }).describe('the area it covers'),
    capacity: z.number().int().describe('incidents it can handle at once'),
    available: z.boolean().describe('takes new incidents'),
    availabilityReason: z.string().nullable().describe('why it was last made available or unavailable'),
    availabilityChangedAt: time.nullable().describe('when its availability was last set'),
    activeIncidents: z.number().int(),
    busy: z.boolean().describe('activeIncidents has reached capacity'),
  }),
);

export const gradeChange = named(
  'GradeChange',
  z.strictObject({
    at: time,
    enterpriseId: z.string(),
    from: grade.nullable().describe('null when an enterprise got its first grade'),
    to: grade.nullable().describe('null only in history from before every enterprise had a grade'),
    reasons: z.array(z.string()),
    correlationId: z.string(),
  }),
);

const seriesPoint = named(
  'SeriesPoint',
  z.strictObject({
    bucket: time.describe('start of the bucket, or the reading time'),
    metric: z.string(),
    avg: z.number(),
    min: z.number(),
    max: z.number(),
    count: z.number().int(),
  }),
);
export const deviceReadings = named(
  'DeviceReadings',
  z.strictObject({ deviceId: z.string(), from: time, to: time, bucketSeconds: z.number().int().nullable(), points: z.array(seriesPoint) }),
);
export const enterpriseReadings = named(
  'EnterpriseReadings',
  z.strictObject({ enterpriseId: z.string(), from: time, to: time, bucketSeconds: z.number().int(), points: z.array(seriesPoint) }),
);

export const deadLetter = named(
  'DeadLetter',
  z.strictObject({
    id: z.number().int(),
    receivedAt: time,
    source: z.enum(['mqtt', 'bus']),
    topic: z.string(),
    reason: z.enum(DEAD_LETTER_REASONS),
    detail: z.string(),
    deviceId: z.string().nullable(),
    payload: z.string().describe('what was refused, as text'),
    correlationId: z.string(),
  }),
);
export const deadLetterStats = named('DeadLetterStats', z.strictObject({ byReason: z.record(z.string(), z.number().int()) }));

const milestoneCompliance = named(
  'MilestoneCompliance',
  z.strictObject({
    judged: z.number().int().describe('milestones decided: reached, or overdue without being reached'),
    met: z.number().int(),
    share: z.number().nullable().describe('met / judged; null when nothing is decided'),
    meets90: z.boolean().nullable().describe('NFPA 1710 reading: at least 90 % met'),
    p50S: z.number().nullable().describe('seconds from dispatch, over the incidents that reached it'),
    p90S: z.number().nullable(),
    reached: z.number().int(),
  }),
);
const complianceFigures = {
  incidents: z.number().int(),
  escalations: z.number().int(),
  milestones: z.strictObject(
    Object.fromEntries(MILESTONE_NAMES.map((m) => [m, milestoneCompliance])) as Record<
      (typeof MILESTONE_NAMES)[number],
      typeof milestoneCompliance
    >,
  ),
};
export const complianceReport = named(
  'ComplianceReport',
  z.strictObject({
    from: time,
    to: time,
    asOf: time,
    zone: z.strictObject(complianceFigures),
    substations: z.array(z.strictObject({ substationId: z.string(), ...complianceFigures })),
  }),
);

export const incidentOutcomeCatalogue = named(
  'IncidentOutcomeCatalogue',
  z.strictObject({
    outcomes: z.array(z.enum(INCIDENT_OUTCOMES)),
    falseAlarmCauses: z
      .array(z.strictObject({ code: z.string(), name: z.string() }))
      .describe('a false alarm needs one; unknown when not found'),
  }),
);

const falseAlarmFigures = {
  resolved: z.number().int().describe('incidents resolved in the period, tests included'),
  tests: z.number().int().describe('resolved as a test: no part of the rate'),
  falseAlarms: z.number().int(),
  falseAlarmRate: z.number().nullable().describe('false alarms over the resolved incidents with an outcome other than test'),
  causes: z.record(z.string(), z.number().int()).describe('false alarms by cause'),
};
export const falseAlarmReport = named(
  'FalseAlarmReport',
  z.strictObject({
    from: time,
    to: time,
    groupBy: z.enum(['enterprise', 'device', 'deviceType', 'substation']),
    zone: z.strictObject(falseAlarmFigures),
    groups: z
      .array(
        z.strictObject({
          key: z.string().nullable().describe('the enterprise, device, device type or substation; null: no alarm opened the incident'),
          ...falseAlarmFigures,
        }),
      )
      .describe('most false alarms first'),
  }),
);

export const ruleSet = named(
  'RuleSet',
  z.strictObject({
    version: z.string(),
    deviceTypes: z.record(z.string(), z.array(named('Rule', ruleSchema))).describe('the rules of each device type'),
  }),
);

export const issuedToken = named(
  'IssuedToken',
  z.strictObject({
    token: z.string().describe('shown this once; only its hash is kept'),
    id: z.string().describe('names the token in the list, the audit and DELETE /api/tokens/{id}'),
    role: roleName,
    name: z.string(),
    substationId: z.string().nullable(),
    enterpriseId: z.string().nullable(),
    expiresAt: time.nullable(),
  }),
);

export const apiToken = named(
  'ApiToken',
  z
    .strictObject({
      id: z.string(),
      name: z.string().describe('the person who holds it'),
      role: roleName,
      scope: z
        .union([z.strictObject({ substationId: z.string() }), z.strictObject({ enterpriseId: z.string() })])
        .nullable()
        .describe('what it is bound to: role substation, its substation; role enterprise, its enterprise'),
      createdAt: time,
      expiresAt: time.nullable().describe('refused from this time on (401 TOKEN_EXPIRED); null: never expires'),
      lastUsedAt: time.nullable().describe('last accepted, to within a minute'),
      revokedAt: time.nullable().describe('refused from this time on (401 TOKEN_REVOKED)'),
    })
    .describe('An API token, never its secret'),
);

const auditRecord = named(
  'AuditRecord',
  z.strictObject({
    at: time,
    actor: z.strictObject({
      tokenId: z.string().describe("the token's id; env:OPERATOR_TOKEN or file:operator-token for the installation's operator token"),
      name: z.string(),
      role: roleName,
    }),
    action: z.string().meta({ example: 'incident.acknowledge' }),
    entity: z.string().meta({ example: 'incident' }),
    entityId: z.string(),
    before: z.unknown().describe('the entity before the write (null when the write created it), without secrets'),
    after: z.unknown().describe('the entity after the write, without secrets'),
    correlationId: z.string().describe("the request's X-Correlation-Id, or the one it was given"),
  }),
);

export const auditPage = named(
  'AuditPage',
  z.strictObject({ items: z.array(auditRecord) }).describe('Audit records, newest first; every write through the API appends one'),
);

export const deviceCertificate = named(
  'DeviceCertificate',
  z.strictObject({
    deviceId: z.string(),
    fingerprint: z.string().describe('SHA-256 of the DER certificate, lower-case hex'),
    registeredAt: z.string().describe('ISO-8601 UTC'),
  }),
);

export const deviceCredentials = named(
  'DeviceCredentials',
  z.strictObject({
    deviceId: z.string(),
    username: z.string().describe('the MQTT username: the device id'),
    password: z.string().describe('the MQTT password, shown this once'),
  }),
);

export const principal = named(
  'Principal',
  z.strictObject({ role: roleName, name: z.string(), substationId: z.string().nullable(), enterpriseId: z.string().nullable() }),
);
