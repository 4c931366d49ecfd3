import type { Grade, SignalClass } from '@app/contracts';

/** How many reporting intervals of silence make a device that has reported offline (SPEC.md). */
export const OFFLINE_SILENT_INTERVALS = 3;

/**
 * The stored last arrival of a device may lag its real one by this share of
 * its reporting interval (plus the presence flush period): far inside the OFFLINE_SILENT_INTERVALS of silence
 * that make it offline, and one write per device every few reports instead
 * of one per report.
 */
export const PRESENCE_SLACK_INTERVALS = 1 / 3;

/** The finding an offline device raises (silent too long, or its last will said so): rule, metric, grade and class. */
export const OFFLINE_RULE_ID = 'device.offline';
export const OFFLINE_METRIC = 'offline';
export const OFFLINE_GRADE: Grade = 'blue';
export const OFFLINE_CLASS: SignalClass = 'fault';
