import type { Grade } from './grade';
import type { SignalClass } from './signal-class';
import type { DeviceType, MetricName } from './metrics';

/**
 * Messages on the bus. Every message carries `v` (its contract version) and a
 * `correlationId` that follows a reading from MQTT to the incident it causes.
 * Times are epoch milliseconds on the bus and ISO-8601 strings at the API.
 */

export type ReadingValue = number | boolean;

/** telemetry.v1, key = deviceId: one validated reading of one device. */
export interface TelemetryReadingV1 {
  v: 1;
  deviceId: string;
  enterpriseId: string;
  deviceType: DeviceType;
  /** The interval the register holds for this device (absent from older producers: the type's default then). */
  reportIntervalS?: number;
  ts: number;
  seq?: number;
  readings: Partial<Record<MetricName, ReadingValue>>;
  receivedAt: number;
  correlationId: string;
}

/** device-status.v1, key = deviceId. */
export interface DeviceStatusV1 {
  v: 1;
  deviceId: string;
  enterpriseId: string;
  online: boolean;
  ts: number;
  receivedAt: number;
  correlationId: string;
}

/** alarms.v1, key = enterpriseId. */
export interface AlarmEventV1 {
  v: 1;
  type: 'alarm.raised' | 'alarm.updated' | 'alarm.cleared';
  alarmId: string;
  deviceId: string;
  enterpriseId: string;
  ruleId: string;
  /** The rule's signal class; absent in events from before classes, which count as `alarm`. */
  class?: SignalClass;
  metric: MetricName | 'offline';
  grade: Grade;
  value: ReadingValue | null;
  message: string;
  raisedAt: number;
  at: number;
  correlationId: string;
  /** Raised in test mode: opens no incident and moves no grade. Absent from older producers: false. */
  test?: boolean;
}

/** grades.v1, key = enterpriseId. */
export interface GradeChangedV1 {
  v: 1;
  type: 'grade.changed';
  enterpriseId: string;
  /** null only when an enterprise stored before every enterprise had a grade gets its first one from a finding. */
  from: Grade | null;
  /** Every enterprise has a grade at all times: with no live finding, its standing hazards' grade, blue at the least. */
  to: Grade;
  reasons: string[];
  at: number;
  correlationId: string;
  /**
   * What moved the grade: a live finding of a device, or the enterprise's hazards (its register entry, an
   * inspection, a rectification or a re-inspection). A hazard is a known condition being dealt with by
   * rectification, not an emergency, so a change of cause 'hazards' opens no incident. Absent in events from
   * before the field existed, which were all findings.
   */
  cause?: 'finding' | 'hazards';
}

export const MILESTONE_NAMES = ['acknowledged', 'onScene', 'underControl'] as const;
export type MilestoneName = (typeof MILESTONE_NAMES)[number];

export const INCIDENT_STATUSES = ['dispatched', 'acknowledged', 'onScene', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** How an incident ended; every resolved incident has one. */
export const INCIDENT_OUTCOMES = ['confirmed-fire', 'false-alarm', 'device-fault', 'test', 'other'] as const;
export type IncidentOutcome = (typeof INCIDENT_OUTCOMES)[number];

/** An incident's outcome as given when it was resolved; who resolved it and when are its underControl milestone's. */
export interface ResolutionSnapshotV1 {
  outcome: IncidentOutcome;
  /** A false alarm's cause, from the false-alarm cause catalogue; null for every other outcome. */
  cause: string | null;
  note: string | null;
}

export interface ResolutionView extends ResolutionSnapshotV1 {
  by: string | null;
  at: string | null;
}

export interface MilestoneView {
  name: MilestoneName;
  dueAt: string;
  at: string | null;
  met: boolean | null;
  by: string | null;
  /** Re-notifications sent since this milestone was escalated. */
  renotifications: number;
}

export interface EscalationView {
  milestone: MilestoneName;
  at: string;
  dueAt: string;
  backupSubstationId: string | null;
}

/** The incident as the API and the live stream show it (SPEC.md field names). */
export interface IncidentView {
  id: string;
  enterpriseId: string;
  substationId: string;
  grade: Grade;
  /** The class of its first-handled alarm: fire first; null when a grade change alone opened it. */
  class: SignalClass | null;
  level: number;
  status: IncidentStatus;
  dispatchedAt: string;
  resolvedAt: string | null;
  assignmentReason: string;
  backupSubstationIds: string[];
  alarmIds: string[];
  milestones: MilestoneView[];
  escalations: EscalationView[];
  /** How it ended: null until resolved (and for incidents resolved before outcomes were recorded). */
  resolution: ResolutionView | null;
}

export interface MilestoneSnapshotV1 {
  name: MilestoneName;
  dueAt: number;
  at: number | null;
  by: string | null;
  escalatedAt: number | null;
  renotifications: number;
}

export interface EscalationSnapshotV1 {
  milestone: MilestoneName;
  at: number;
  dueAt: number;
  backupSubstationId: string | null;
}

/**
 * The incident as incident events carry it: times in epoch ms, nothing but JSON. The command center
 * renders it as an IncidentView for the API and the live stream, so the bus does not fix the API's form.
 */
export interface IncidentSnapshotV1 {
  id: string;
  enterpriseId: string;
  substationId: string;
  grade: Grade;
  /** Absent in events from before signal classes. */
  class?: SignalClass | null;
  level: number;
  status: IncidentStatus;
  dispatchedAt: number;
  resolvedAt: number | null;
  assignmentReason: string;
  backupSubstationIds: string[];
  alarmIds: string[];
  milestones: MilestoneSnapshotV1[];
  escalations: EscalationSnapshotV1[];
  /** Absent in events from before outcomes were recorded; null until resolved. */
  resolution?: ResolutionSnapshotV1 | null;
}

/** incidents.v2 (v2: the incident travels as its snapshot, IncidentSnapshotV1, no longer as the API's view), key = incident id. */
export interface IncidentEventV2 {
  v: 2;
  type: 'incident.opened' | 'incident.graded' | 'incident.milestone' | 'incident.escalation' | 'incident.renotify' | 'incident.resolved';
  incidentId: string;
  enterpriseId: string;
  substationId: string;
  milestone?: MilestoneName;
  backupSubstationId?: string | null;
  lateByMs?: number;
  /** incident.renotify: which re-notification this is (1, 2, ...). */
  renotification?: number;
  incident: IncidentSnapshotV1;
  at: number;
  correlationId: string;
}

/** dead-letters.v1: anything refused at a boundary, with the reason. */
export interface DeadLetterV1 {
  v: 1;
  source: 'mqtt' | 'bus';
  topic: string;
  reason: DeadLetterReason;
  detail: string;
  deviceId: string | null;
  payload: string;
  receivedAt: number;
  correlationId: string;
}

export const DEAD_LETTER_REASONS = [
  'oversized',
  'malformed-json',
  'invalid-payload',
  'unknown-topic',
  'unknown-device',
  'retired-device',
  'enterprise-mismatch',
  'unknown-metric',
  'wrong-type',
  'future-timestamp',
  'stale-timestamp',
  'duplicate',
  'rate-limited',
  'processing-failed',
] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

export const ZONE_KINDS = ['substations', 'enterprises', 'devices', 'contacts', 'deviceCertificates'] as const;
export type ZoneKind = (typeof ZONE_KINDS)[number];

/**
 * zone.v1, key = 'zone': the register changed (the ids of what changed, per kind). A notice to reload from the
 * database, not the data itself: the database stays the one source of truth, a process that missed a notice
 * (or starts later) reads the same state, and a notice can never carry a stale or partial copy of a row.
 */
export interface ZoneChangedV1 {
  v: 1;
  type: 'zone.changed';
  changed: Partial<Record<ZoneKind, string[]>>;
  at: number;
  correlationId: string;
}

/**
 * notifications.v1, key = delivery id: a notification the sender gave up on after its last attempt. The outbox
 * row is the record; this tells the live stream (and anything else listening) at once.
 */
export interface NotificationFailedV1 {
  v: 1;
  type: 'notification.failed';
  deliveryId: string;
  incidentId: string | null;
  event: string;
  channel: string;
  recipient: string;
  attempts: number;
  lastError: string;
  at: number;
}

/** An acknowledgement, comment or assignment as the bus carries it (epoch ms). */
export interface AlarmHandlingV1 {
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  assignee: string | null;
  assignedAt: number | null;
  assignedBy: string | null;
  comments: { kind: 'comment' | 'acknowledge'; at: number; by: string; text: string }[];
}

/**
 * alarm-handling.v1, key = alarmId: an operator acknowledged, commented on or assigned an alarm. A topic of its
 * own, not alarms.v1, so dispatch and the notifier (which read alarms.v1 as the risk engine's findings) never see
 * it; every command center forwards it to its live stream.
 */
export interface AlarmHandledV1 {
  v: 1;
  type: 'alarm.acknowledged' | 'alarm.commented' | 'alarm.assigned';
  alarmId: string;
  enterpriseId: string;
  by: string;
  at: number;
  handling: AlarmHandlingV1;
  correlationId: string;
}

/**
 * operating-modes.v1, key = enterpriseId: a device or an enterprise was put in test or disabled mode, or back to
 * normal (by an operator, or by itself at `until`). For screens; the processes that grade reload on zone.v1.
 */
export interface OperatingModeChangedV1 {
  v: 1;
  type: 'mode.changed';
  target: 'device' | 'enterprise';
  id: string;
  enterpriseId: string;
  mode: 'normal' | 'test' | 'disabled';
  until: number | null;
  reason: string | null;
  setBy: string;
  at: number;
  correlationId: string;
}

/** A hazard as the bus carries it (epoch ms), with the substation whose area holds its enterprise. */
export interface HazardSnapshotV1 {
  id: string;
  inspectionId: string;
  enterpriseId: string;
  substationId: string | null;
  kind: string;
  severity: Grade;
  status: 'open' | 'rectified' | 'verified' | 'reopened';
  deadline: number;
  responsibleContactId: string | null;
  openedAt: number;
  reopenCount: number;
}

/**
 * hazards.v1, key = enterpriseId: a hazard still to be rectified passed its deadline (once per deadline: a
 * reopened hazard has a new one). Dispatch's sweeper raises it; the notifier and every live stream read it.
 */
export interface HazardOverdueV1 {
  v: 1;
  type: 'hazard.overdue';
  hazard: HazardSnapshotV1;
  at: number;
  correlationId: string;
}
