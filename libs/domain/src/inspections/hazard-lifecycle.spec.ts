import type { Grade } from '@app/contracts';
import { HazardError, HazardErrorCode } from './hazard-error';
import {
  HAZARD_STATUSES,
  awaitsRectification,
  countsInGrade,
  isOverdue,
  openHazard,
  rectifyHazard,
  reinspectHazard,
  type HazardState,
  type HazardStatus,
} from './hazard-lifecycle';
import { rectificationPolicy } from './rectification-policy';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 2, 9, 0, 0);
const policy = rectificationPolicy({ description: 'test', deadlineHours: { red: 24, orange: 72, yellow: 168, blue: 720 } });

function state(status: HazardStatus, overrides: Partial<HazardState> = {}): HazardState {
  return { status, severity: 'orange', deadline: T0 + 72 * HOUR, reopenCount: 0, ...overrides };
}

function refusal(fn: () => unknown): HazardErrorCode | null {
  try {
    fn();
    return null;
  } catch (e) {
    if (e instanceof HazardError) return e.code;
    throw e;
  }
}

describe('openHazard', () => {
  it.each<[Grade, number]>([
    ['red', 24],
    ['orange', 72],
    ['yellow', 168],
    ['blue', 720],
  ])('a %s finding is open with a deadline %i hours on', (severity, hours) => {
    expect(openHazard(policy, severity, T0)).toEqual({
      state: { status: 'open', severity, deadline: T0 + hours * HOUR, reopenCount: 0 },
      transition: 'opened',
    });
  });
});

describe('rectifyHazard', () => {
  it.each<HazardStatus>(['open', 'reopened'])('from %s: rectified, deadline and reopen count kept', (from) => {
    const before = state(from, { reopenCount: 1 });
    expect(rectifyHazard(before)).toEqual({ state: { ...before, status: 'rectified' }, transition: 'rectified' });
  });

  it.each<[HazardStatus, HazardErrorCode]>([
    ['rectified', HazardErrorCode.AlreadyRectified],
    ['verified', HazardErrorCode.AlreadyVerified],
  ])('from %s: refused with %s', (from, code) => {
    expect(refusal(() => rectifyHazard(state(from)))).toBe(code);
  });
});

describe('reinspectHazard', () => {
  it.each<[HazardStatus, boolean, HazardErrorCode | null]>([
    ['open', true, HazardErrorCode.VerifyNotRectified],
    ['open', false, HazardErrorCode.VerifyNotRectified],
    ['reopened', true, HazardErrorCode.VerifyNotRectified],
    ['reopened', false, HazardErrorCode.VerifyNotRectified],
    ['verified', true, HazardErrorCode.AlreadyVerified],
    ['verified', false, HazardErrorCode.AlreadyVerified],
    ['rectified', true, null],
    ['rectified', false, null],
  ])('from %s, passed %s: refused with %s', (from, passed, code) => {
    expect(refusal(() => reinspectHazard(policy, state(from), passed, T0 + HOUR))).toBe(code);
  });

  it('passed: verified, its deadline and reopen count kept', () => {
    const before = state('rectified', { reopenCount: 2 });
    expect(reinspectHazard(policy, before, true, T0 + 5 * HOUR)).toEqual({
      state: { ...before, status: 'verified' },
      transition: 'verified',
    });
  });

  it.each<[Grade, number]>([
    ['red', 24],
    ['orange', 72],
    ['yellow', 168],
    ['blue', 720],
  ])('failed on a %s hazard: reopened with a new deadline %i hours after the re-inspection, counted once more', (severity, hours) => {
    const at = T0 + 100 * HOUR;
    expect(reinspectHazard(policy, state('rectified', { severity, reopenCount: 1 }), false, at)).toEqual({
      state: { status: 'reopened', severity, deadline: at + hours * HOUR, reopenCount: 2 },
      transition: 'reopened',
    });
  });
});

describe('derived status', () => {
  const deadline = T0 + 72 * HOUR;
  it.each<[HazardStatus, number, boolean]>([
    ['open', -1, false],
    ['open', 0, false],
    ['open', 1, true],
    ['reopened', 1, true],
    ['reopened', -1, false],
    ['rectified', 1, false],
    ['verified', 1, false],
  ])('%s at the deadline %+d ms: overdue %s', (status, offset, overdue) => {
    expect(isOverdue({ status, deadline }, deadline + offset)).toBe(overdue);
  });

  it.each<[HazardStatus, boolean, boolean]>([
    ['open', true, true],
    ['reopened', true, true],
    ['rectified', false, true],
    ['verified', false, false],
  ])('%s: awaits rectification %s, counts in the grade %s', (status, awaits, counts) => {
    expect(awaitsRectification(status)).toBe(awaits);
    expect(countsInGrade(status)).toBe(counts);
  });

  it('covers every status', () => {
    expect([...HAZARD_STATUSES].sort()).toEqual(['open', 'rectified', 'reopened', 'verified']);
  });
});
