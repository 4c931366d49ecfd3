import { ManualClock } from '@app/testing';
import { dueRenotifications, nextRenotificationAt, renotify } from './renotification';
import { applyAction, escalate, openTimeline, TimelineState } from './timeline';
import { TimelinePolicy } from './timeline-policy';

const T = Date.parse('2026-03-02T08:00:00Z');
const policy = { acknowledgeS: 60, onSceneS: 180, underControlS: 300, renotifyS: 30, maxRenotifications: 2 };

function escalatedAck(clock: ManualClock, p: TimelinePolicy = policy): TimelineState {
  clock.set(T + 60_000);
  return escalate(openTimeline(T, p, 'S1'), 'acknowledged', clock.now(), 'S2');
}

describe('re-notification of an unanswered escalation', () => {
  it('re-notifies every renotifyS after the escalation, at most maxRenotifications times', () => {
    const clock = new ManualClock(T);
    let state = escalatedAck(clock);
    const ack = () => state.milestones[0];
    expect(nextRenotificationAt(state, ack())).toBe(T + 90_000);
    clock.set(T + 89_999);
    expect(dueRenotifications(state, clock.now())).toEqual([]);
    clock.set(T + 90_000);
    expect(dueRenotifications(state, clock.now())).toEqual(['acknowledged']);
    state = renotify(state, 'acknowledged', clock.now());
    expect(ack().renotifications).toBe(1);
    expect(renotify(state, 'acknowledged', clock.now())).toBe(state);
    expect(nextRenotificationAt(state, ack())).toBe(T + 120_000);
    clock.set(T + 120_000);
    state = renotify(state, 'acknowledged', clock.now());
    expect(ack().renotifications).toBe(2);
    expect(nextRenotificationAt(state, ack())).toBeNull();
    clock.set(T + 10 * 60_000);
    expect(dueRenotifications(state, clock.now())).toEqual([]);
  });

  it.each([
    ['the milestone is reached', (s: TimelineState, at: number) => applyAction(s, { type: 'acknowledge', at, by: 'S1' }).state],
    [
      'the incident is resolved',
      (s: TimelineState, at: number) => {
        const a = applyAction(s, { type: 'acknowledge', at, by: 'S1' }).state;
        const b = applyAction(a, { type: 'arrive', at, by: 'S1' }).state;
        return applyAction(b, { type: 'resolve', at, by: 'S1' }).state;
      },
    ],
  ])('stops once %s', (_, act) => {
    const clock = new ManualClock(T);
    const state = act(escalatedAck(clock), T + 70_000);
    expect(nextRenotificationAt(state, state.milestones[0])).toBeNull();
    expect(dueRenotifications(state, T + 3_600_000)).toEqual([]);
  });

  it('never re-notifies without a policy for it (incidents opened before it existed) or before an escalation', () => {
    const clock = new ManualClock(T);
    const plain = escalatedAck(clock, { acknowledgeS: 60, onSceneS: 180, underControlS: 300 });
    expect(dueRenotifications(plain, T + 3_600_000)).toEqual([]);
    const fresh = openTimeline(T, policy, 'S1');
    expect(dueRenotifications(fresh, T + 3_600_000)).toEqual([]);
  });
});
