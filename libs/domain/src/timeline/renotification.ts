import type { MilestoneName } from '@app/contracts';
import type { MilestoneState, TimelineState } from './timeline';

/**
 * When an escalated milestone is next re-notified: escalatedAt + (n + 1) x
 * renotifyS, while it is unmet, the incident open and fewer than
 * maxRenotifications were sent; null when none is due ever again.
 */
export function nextRenotificationAt(state: TimelineState, m: MilestoneState): number | null {
  const every = state.policy.renotifyS ?? 0;
  const max = state.policy.maxRenotifications ?? 0;
  const sent = m.renotifications ?? 0;
  if (state.status === 'resolved' || m.at !== null || m.escalatedAt === null || every <= 0 || sent >= max) return null;
  return m.escalatedAt + (sent + 1) * every * 1000;
}

export function dueRenotifications(state: TimelineState, now: number): MilestoneName[] {
  return state.milestones
    .filter((m) => {
      const at = nextRenotificationAt(state, m);
      return at !== null && at <= now;
    })
    .map((m) => m.name);
}

/** Counts one re-notification of a due milestone; anything else leaves the state as it is. */
export function renotify(state: TimelineState, milestone: MilestoneName, now: number): TimelineState {
  if (!dueRenotifications(state, now).includes(milestone)) return state;
  return {
    ...state,
    milestones: state.milestones.map((m) => (m.name === milestone ? { ...m, renotifications: (m.renotifications ?? 0) + 1 } : m)),
  };
}
