import type { Grade } from '@app/contracts';
import { HazardError, HazardErrorCode } from './hazard-error';
import { rectificationDeadline, type RectificationPolicy } from './rectification-policy';

export const HAZARD_STATUSES = ['open', 'rectified', 'verified', 'reopened'] as const;
export type HazardStatus = (typeof HAZARD_STATUSES)[number];

/** What a hazard's lifecycle decides on; times are epoch milliseconds. */
export interface HazardState {
  status: HazardStatus;
  severity: Grade;
  deadline: number;
  reopenCount: number;
}

/** One transition, as the hazard's history records it. */
export type HazardTransition = 'opened' | 'rectified' | 'verified' | 'reopened';

export interface HazardChange {
  state: HazardState;
  transition: HazardTransition;
}

/** A finding becomes an open hazard with the policy's deadline for its severity. */
export function openHazard(policy: RectificationPolicy, severity: Grade, at: number): HazardChange {
  return {
    state: { status: 'open', severity, deadline: rectificationDeadline(policy, severity, at), reopenCount: 0 },
    transition: 'opened',
  };
}

/** The enterprise says it has rectified an open or reopened hazard; the deadline stays for the record. */
export function rectifyHazard(state: HazardState): HazardChange {
  if (state.status === 'verified') throw new HazardError(HazardErrorCode.AlreadyVerified, 'the hazard was verified as rectified');
  if (state.status === 'rectified')
    throw new HazardError(HazardErrorCode.AlreadyRectified, 'the hazard is rectified and awaits its re-inspection');
  return { state: { ...state, status: 'rectified' }, transition: 'rectified' };
}

/**
 * The re-inspection (回头看) of a rectified hazard: passed closes it as verified, failed reopens it with a new
 * deadline from the policy, counted from the re-inspection.
 */
export function reinspectHazard(policy: RectificationPolicy, state: HazardState, passed: boolean, at: number): HazardChange {
  if (state.status === 'verified') throw new HazardError(HazardErrorCode.AlreadyVerified, 'the hazard was verified as rectified');
  if (state.status !== 'rectified')
    throw new HazardError(HazardErrorCode.VerifyNotRectified, `the hazard is ${state.status}: only a rectified hazard is re-inspected`);
  if (passed) return { state: { ...state, status: 'verified' }, transition: 'verified' };
  return {
    state: {
      ...state,
      status: 'reopened',
      deadline: rectificationDeadline(policy, state.severity, at),
      reopenCount: state.reopenCount + 1,
    },
    transition: 'reopened',
  };
}

/** Still to be rectified by the enterprise: open, or reopened by a failed re-inspection. */
export function awaitsRectification(status: HazardStatus): boolean {
  return status === 'open' || status === 'reopened';
}

/** Overdue: still to be rectified and past its deadline. A rectified hazard awaiting re-inspection is not. */
export function isOverdue(state: Pick<HazardState, 'status' | 'deadline'>, now: number): boolean {
  return awaitsRectification(state.status) && now > state.deadline;
}

/** Weighs in the enterprise's grade until a re-inspection verifies it. */
export function countsInGrade(status: HazardStatus): boolean {
  return status !== 'verified';
}
