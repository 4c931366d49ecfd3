import type { IncidentStatus, MilestoneName } from '@app/contracts';
import { TimelineError, TimelineErrorCode } from './timeline-error';
import type { TimelinePolicy } from './timeline-policy';

export interface MilestoneState {
  name: MilestoneName;
  dueAt: number;
  at: number | null;
  by: string | null;
  escalatedAt: number | null;
  /** The backup substation called in when this milestone was escalated, if one was. */
  backupSubstationId?: string | null;
  /** Re-notifications sent since the escalation (policy renotifyS). */
  renotifications?: number;
}

export interface TimelineState {
  dispatchedAt: number;
  policy: TimelinePolicy;
  status: IncidentStatus;
  substationId: string;
  backupSubstationIds: string[];
  /** Response level: 1 at dispatch, one more for every escalated milestone. */
  level: number;
  milestones: MilestoneState[];
  resolvedAt: number | null;
}

/** substationId absent = an operator acting for the command center. */
export interface TimelineAction {
  type: 'acknowledge' | 'arrive' | 'resolve';
  at: number;
  by: string;
  substationId?: string;
}

const STEPS: Record<TimelineAction['type'], { milestone: MilestoneName; status: IncidentStatus; after: MilestoneName | null }> = {
  acknowledge: { milestone: 'acknowledged', status: 'acknowledged', after: null },
  arrive: { milestone: 'onScene', status: 'onScene', after: 'acknowledged' },
  resolve: { milestone: 'underControl', status: 'resolved', after: 'onScene' },
};

/** Opens the 1-3-5 timeline: every milestone is due a fixed time after dispatch, not after the one before. */
export function openTimeline(dispatchedAt: number, policy: TimelinePolicy, substationId: string): TimelineState {
  const milestone = (name: MilestoneName, afterS: number): MilestoneState => ({
    name,
    dueAt: dispatchedAt + afterS * 1000,
    at: null,
    by: null,
    escalatedAt: null,
    backupSubstationId: null,
  });
  return {
    dispatchedAt,
    policy: { ...policy },
    status: 'dispatched',
    substationId,
    backupSubstationIds: [],
    level: 1,
    milestones: [
      milestone('acknowledged', policy.acknowledgeS),
      milestone('onScene', policy.onSceneS),
      milestone('underControl', policy.underControlS),
    ],
    resolvedAt: null,
  };
}

function find(state: TimelineState, name: MilestoneName): MilestoneState {
  const m = state.milestones.find((x) => x.name === name);
  if (m === undefined) throw new Error(`timeline has no ${name} milestone`);
  return m;
}

/** Records a substation's action. A late action is accepted (and not met); a refused one throws a TimelineError. */
export function applyAction(state: TimelineState, action: TimelineAction): { state: TimelineState; milestone: MilestoneState } {
  const step = STEPS[action.type];
  if (state.status === 'resolved') {
    throw new TimelineError(TimelineErrorCode.Resolved, `incident already resolved; cannot ${action.type}`);
  }
  if (!(action.at >= state.dispatchedAt)) {
    throw new TimelineError(TimelineErrorCode.BeforeDispatch, `${action.type} at ${action.at} is before dispatch at ${state.dispatchedAt}`);
  }
  const sid = action.substationId;
  if (sid !== undefined && sid !== state.substationId && !state.backupSubstationIds.includes(sid)) {
    throw new TimelineError(TimelineErrorCode.WrongSubstation, `substation ${sid} is neither assigned to this incident nor its backup`);
  }
  const current = find(state, step.milestone);
  if (current.at !== null) {
    throw new TimelineError(TimelineErrorCode.AlreadyDone, `${step.milestone} already recorded`);
  }
  if (step.after !== null) {
    const before = find(state, step.after);
    if (before.at === null) {
      throw new TimelineError(TimelineErrorCode.OutOfOrder, `cannot ${action.type} before ${step.after}`);
    }
    if (action.at < before.at) {
      throw new TimelineError(TimelineErrorCode.OutOfOrder, `${action.type} at ${action.at} is before ${step.after} at ${before.at}`);
    }
  }
  const milestone: MilestoneState = { ...current, at: action.at, by: action.by };
  return {
    milestone,
    state: {
      ...state,
      status: step.status,
      milestones: state.milestones.map((m) => (m.name === milestone.name ? milestone : m)),
      resolvedAt: step.status === 'resolved' ? action.at : state.resolvedAt,
    },
  };
}

/** Milestones past due, not done and not yet escalated. */
export function dueEscalations(state: TimelineState, now: number): MilestoneName[] {
  if (state.status === 'resolved') return [];
  return state.milestones.filter((m) => m.at === null && m.escalatedAt === null && m.dueAt <= now).map((m) => m.name);
}

/**
 * Records the escalation of a missed milestone: one response level up and the
 * backup (if any) added to the substations allowed to act. Only a milestone that
 * dueEscalations() names changes anything, which makes a repeated call harmless.
 */
export function escalate(state: TimelineState, milestone: MilestoneName, now: number, backupSubstationId: string | null): TimelineState {
  if (!dueEscalations(state, now).includes(milestone)) return state;
  const backups =
    backupSubstationId === null || backupSubstationId === state.substationId || state.backupSubstationIds.includes(backupSubstationId)
      ? state.backupSubstationIds
      : [...state.backupSubstationIds, backupSubstationId];
  return {
    ...state,
    level: state.level + 1,
    backupSubstationIds: backups,
    milestones: state.milestones.map((m) => (m.name === milestone ? { ...m, escalatedAt: now, backupSubstationId } : m)),
  };
}

/** The earliest deadline still to watch, for scheduling the next escalation check. */
export function nextDeadline(state: TimelineState): { milestone: MilestoneName; dueAt: number } | null {
  if (state.status === 'resolved') return null;
  let next: MilestoneState | null = null;
  for (const m of state.milestones) {
    if (m.at === null && m.escalatedAt === null && (next === null || m.dueAt < next.dueAt)) next = m;
  }
  return next === null ? null : { milestone: next.name, dueAt: next.dueAt };
}

/**
 * What is known at `now` (SPEC.md, operator handling): once it happened, whether that was by its due time; before
 * that, false as soon as the due time has passed, and null only while it can still be met (up to and at dueAt).
 */
export function milestoneMet(m: Pick<MilestoneState, 'dueAt' | 'at'>, now: number): boolean | null {
  if (m.at !== null) return m.at <= m.dueAt;
  return now > m.dueAt ? false : null;
}
