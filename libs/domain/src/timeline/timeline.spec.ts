import { MILESTONE_NAMES, type MilestoneName } from '@app/contracts';
import { ManualClock } from '@app/testing';
import {
  applyAction,
  dueEscalations,
  escalate,
  milestoneMet,
  nextDeadline,
  openTimeline,
  type TimelineAction,
  type TimelineState,
} from './timeline';
import { TimelineError, TimelineErrorCode } from './timeline-error';
import { DEFAULT_TIMELINE_POLICY } from './timeline-policy';

const T = Date.UTC(2025, 5, 1, 8, 0, 0);
const sec = (s: number) => T + s * 1000;
type ActionType = TimelineAction['type'];
const ACTIONS: ActionType[] = ['acknowledge', 'arrive', 'resolve'];
const MILESTONE_OF: Record<ActionType, MilestoneName> = { acknowledge: 'acknowledged', arrive: 'onScene', resolve: 'underControl' };

function open(): TimelineState {
  return openTimeline(T, DEFAULT_TIMELINE_POLICY, 'S1');
}

function act(state: TimelineState, type: ActionType, at: number, substationId: string | undefined = 'S1'): TimelineState {
  return applyAction(state, { type, at, by: 'crew-1', substationId }).state;
}

/** The error code of an action, or 'ok' and the new state. */
function attempt(state: TimelineState, action: TimelineAction): { outcome: string; state: TimelineState } {
  try {
    return { outcome: 'ok', state: applyAction(state, action).state };
  } catch (e) {
    if (e instanceof TimelineError) return { outcome: e.code, state };
    throw e;
  }
}

function milestone(state: TimelineState, name: MilestoneName) {
  const m = state.milestones.find((x) => x.name === name);
  if (!m) throw new Error(name);
  return m;
}

function deepFreeze<T>(o: T): T {
  if (typeof o === 'object' && o !== null) {
    Object.values(o).forEach(deepFreeze);
    Object.freeze(o);
  }
  return o;
}

/** What a dispatcher does every time its timer fires: escalate whatever is due, calling in a backup. */
function runEscalations(state: TimelineState, now: number, backups: string[]): TimelineState {
  let next = state;
  for (const name of dueEscalations(next, now)) next = escalate(next, name, now, backups.shift() ?? null);
  return next;
}

describe('1-3-5 timeline', () => {
  it('opens with three milestones due 1, 3 and 5 minutes after dispatch', () => {
    const sut = open();
    expect(sut).toMatchObject({
      dispatchedAt: T,
      status: 'dispatched',
      substationId: 'S1',
      backupSubstationIds: [],
      level: 1,
      resolvedAt: null,
    });
    expect(sut.milestones.map((m) => [m.name, m.dueAt, m.at, m.by, m.escalatedAt])).toEqual([
      ['acknowledged', sec(60), null, null, null],
      ['onScene', sec(180), null, null, null],
      ['underControl', sec(300), null, null, null],
    ]);
    expect(nextDeadline(sut)).toEqual({ milestone: 'acknowledged', dueAt: sec(60) });
  });

  it('measures every milestone from dispatch with the policy it was opened with, kept as a copy', () => {
    const policy = { acknowledgeS: 30, onSceneS: 120, underControlS: 240 };
    const sut = openTimeline(T, policy, 'S2');
    policy.acknowledgeS = 999;
    expect(sut.policy.acknowledgeS).toBe(30);
    expect(sut.milestones.map((m) => m.dueAt)).toEqual([sec(30), sec(120), sec(240)]);
  });

  it('walks dispatched -> acknowledged -> onScene -> resolved and records who and when', () => {
    const clock = new ManualClock(T);
    let sut = open();
    clock.advance(45_000);
    const ack = applyAction(sut, { type: 'acknowledge', at: clock.now(), by: 'crew-1', substationId: 'S1' });
    expect(ack.milestone).toEqual({
      name: 'acknowledged',
      dueAt: sec(60),
      at: sec(45),
      by: 'crew-1',
      escalatedAt: null,
      backupSubstationId: null,
    });
    sut = ack.state;
    expect(sut.status).toBe('acknowledged');
    expect(nextDeadline(sut)).toEqual({ milestone: 'onScene', dueAt: sec(180) });
    clock.advance(120_000);
    sut = act(sut, 'arrive', clock.now());
    expect(sut.status).toBe('onScene');
    expect(nextDeadline(sut)).toEqual({ milestone: 'underControl', dueAt: sec(300) });
    clock.advance(100_000);
    sut = act(sut, 'resolve', clock.now());
    expect(sut.status).toBe('resolved');
    expect(sut.resolvedAt).toBe(sec(265));
    expect(sut.milestones.map((m) => milestoneMet(m, clock.now()))).toEqual([true, true, true]);
    expect(nextDeadline(sut)).toBeNull();
    expect(sut.level).toBe(1);
  });

  it('is pure: the state passed in is never changed', () => {
    const before = deepFreeze(open());
    const copy = structuredClone(before);
    const after = act(before, 'acknowledge', sec(10));
    escalate(deepFreeze(after), 'onScene', sec(200), 'S2');
    expect(before).toEqual(copy);
  });

  describe('every order of the three actions', () => {
    it.each<[ActionType[], string[]]>([
      [
        ['acknowledge', 'arrive', 'resolve'],
        ['ok', 'ok', 'ok'],
      ],
      [
        ['acknowledge', 'resolve', 'arrive'],
        ['ok', 'OUT_OF_ORDER', 'ok'],
      ],
      [
        ['arrive', 'acknowledge', 'resolve'],
        ['OUT_OF_ORDER', 'ok', 'OUT_OF_ORDER'],
      ],
      [
        ['arrive', 'resolve', 'acknowledge'],
        ['OUT_OF_ORDER', 'OUT_OF_ORDER', 'ok'],
      ],
      [
        ['resolve', 'acknowledge', 'arrive'],
        ['OUT_OF_ORDER', 'ok', 'ok'],
      ],
      [
        ['resolve', 'arrive', 'acknowledge'],
        ['OUT_OF_ORDER', 'OUT_OF_ORDER', 'ok'],
      ],
    ])('%p -> %p', (order, outcomes) => {
      let state = open();
      const seen = order.map((type, i) => {
        const r = attempt(state, { type, at: sec(10 * (i + 1)), by: 'x', substationId: 'S1' });
        state = r.state;
        return r.outcome;
      });
      expect(seen).toEqual(outcomes);
    });

    // Every sequence of four actions against a model: the next step is accepted,
    // an earlier one is already done, a later one is out of order, nothing after resolution.
    const sequences: ActionType[][] = [];
    for (const a of ACTIONS) for (const b of ACTIONS) for (const c of ACTIONS) for (const d of ACTIONS) sequences.push([a, b, c, d]);
    it.each(sequences)('%s, %s, %s, %s behaves as the model says', (...sequence) => {
      let state = open();
      let done = 0;
      sequence.forEach((type, i) => {
        const index = ACTIONS.indexOf(type);
        const expected =
          done === 3
            ? TimelineErrorCode.Resolved
            : index < done
              ? TimelineErrorCode.AlreadyDone
              : index > done
                ? TimelineErrorCode.OutOfOrder
                : 'ok';
        const r = attempt(state, { type, at: sec(i + 1), by: 'x' });
        expect(r.outcome).toBe(expected);
        if (expected === 'ok') done++;
        state = r.state;
        expect(state.status).toBe(['dispatched', 'acknowledged', 'onScene', 'resolved'][done]);
      });
    });
  });

  describe('every combination of missed milestones', () => {
    const combos: boolean[][] = [];
    for (let mask = 0; mask < 8; mask++) combos.push([0, 1, 2].map((i) => (mask & (1 << i)) !== 0));

    it.each(combos)('missed acknowledged=%p onScene=%p underControl=%p', (...missed) => {
      const clock = new ManualClock(T);
      const backups = ['S2', 'S3', 'S4'];
      let state = open();
      const dueS = [60, 180, 300];
      ACTIONS.forEach((type, i) => {
        const atS = missed[i] ? dueS[i] + 20 : dueS[i] - 10;
        // The dispatcher's timer fires at the deadline, then again when the action comes in.
        if (missed[i]) {
          clock.set(sec(dueS[i]));
          state = runEscalations(state, clock.now(), backups);
        }
        clock.set(sec(atS));
        state = runEscalations(state, clock.now(), backups);
        state = act(state, type, clock.now());
      });

      const misses = missed.filter(Boolean).length;
      expect(state.status).toBe('resolved');
      expect(state.level).toBe(1 + misses);
      expect(state.backupSubstationIds).toEqual(['S2', 'S3', 'S4'].slice(0, misses));
      state.milestones.forEach((m, i) => {
        expect(milestoneMet(m, clock.now())).toBe(!missed[i]);
        expect(m.escalatedAt).toBe(missed[i] ? m.dueAt : null);
        expect(m.at).toBe(missed[i] ? m.dueAt + 20_000 : m.dueAt - 10_000);
      });
      expect(dueEscalations(state, clock.now() + 3_600_000)).toEqual([]);
    });

    it('escalates all three when nobody answers, each once, then still accepts the late actions', () => {
      const clock = new ManualClock(T);
      let state = open();
      const escalatedAt: Record<string, number> = {};
      for (let s = 0; s <= 400; s += 10) {
        clock.set(sec(s));
        for (const name of dueEscalations(state, clock.now())) {
          escalatedAt[name] = clock.now();
          state = escalate(state, name, clock.now(), 'S2');
        }
      }
      expect(escalatedAt).toEqual({ acknowledged: sec(60), onScene: sec(180), underControl: sec(300) });
      expect(state.level).toBe(4);
      expect(state.backupSubstationIds).toEqual(['S2']);
      expect(nextDeadline(state)).toBeNull();

      state = act(state, 'acknowledge', sec(410), 'S2');
      state = act(state, 'arrive', sec(420), 'S2');
      const last = applyAction(state, { type: 'resolve', at: sec(430), by: 'crew-2', substationId: 'S2' });
      expect(last.milestone).toMatchObject({ at: sec(430), by: 'crew-2', escalatedAt: sec(300) });
      expect(last.state.milestones.map((m) => milestoneMet(m, sec(430)))).toEqual([false, false, false]);
    });

    it('escalates a deadline missed while the milestone before it was missed too', () => {
      let state = open();
      state = runEscalations(state, sec(61), ['S2']);
      expect(state.milestones.map((m) => m.escalatedAt)).toEqual([sec(61), null, null]);
      state = runEscalations(state, sec(190), ['S3']);
      expect(state.milestones.map((m) => m.escalatedAt)).toEqual([sec(61), sec(190), null]);
      state = act(state, 'acknowledge', sec(200));
      state = act(state, 'arrive', sec(210));
      state = act(state, 'resolve', sec(220));
      expect(state.milestones.map((m) => milestoneMet(m, sec(220)))).toEqual([false, false, true]);
      expect(state.level).toBe(3);
    });
  });

  describe('escalation', () => {
    it.each(MILESTONE_NAMES)('is idempotent for %s', (name) => {
      const once = escalate(open(), name, sec(400), 'S2');
      const twice = escalate(once, name, sec(410), 'S3');
      expect(twice).toBe(once);
      expect(once.level).toBe(2);
      expect(once.backupSubstationIds).toEqual(['S2']);
      expect(milestone(once, name)).toMatchObject({ escalatedAt: sec(400), backupSubstationId: 'S2', at: null });
    });

    it('lists a due milestone once and then no more', () => {
      const state = open();
      expect(dueEscalations(state, sec(59))).toEqual([]);
      expect(dueEscalations(state, sec(60))).toEqual(['acknowledged']);
      const escalated = escalate(state, 'acknowledged', sec(60), 'S2');
      expect(dueEscalations(escalated, sec(60))).toEqual([]);
      expect(nextDeadline(escalated)).toEqual({ milestone: 'onScene', dueAt: sec(180) });
    });

    it.each<[string, (s: TimelineState) => TimelineState, MilestoneName, number]>([
      ['not due yet', (s) => s, 'acknowledged', sec(59)],
      ['already done', (s) => act(s, 'acknowledge', sec(70)), 'acknowledged', sec(80)],
      [
        'on a resolved incident',
        (s) => act(act(act(s, 'acknowledge', sec(10)), 'arrive', sec(20)), 'resolve', sec(30)),
        'underControl',
        sec(400),
      ],
    ])('changes nothing when the milestone is %s', (_, prepare, name, now) => {
      const state = prepare(open());
      expect(escalate(state, name, now, 'S2')).toBe(state);
    });

    it('raises the level without a backup when none is left', () => {
      const state = escalate(open(), 'acknowledged', sec(60), null);
      expect(state.level).toBe(2);
      expect(state.backupSubstationIds).toEqual([]);
      expect(milestone(state, 'acknowledged').backupSubstationId).toBeNull();
    });

    it('does not list the assigned substation or the same backup twice', () => {
      let state = escalate(open(), 'acknowledged', sec(60), 'S1');
      state = escalate(state, 'onScene', sec(180), 'S2');
      state = escalate(state, 'underControl', sec(300), 'S2');
      expect(state.backupSubstationIds).toEqual(['S2']);
      expect(state.level).toBe(4);
    });
  });

  describe('refused actions', () => {
    it.each(ACTIONS)('%s a second time is ALREADY_DONE (or RESOLVED once resolved)', (type) => {
      let state = open();
      for (const t of ACTIONS.slice(0, ACTIONS.indexOf(type) + 1)) state = act(state, t, sec(10));
      const expected = type === 'resolve' ? TimelineErrorCode.Resolved : TimelineErrorCode.AlreadyDone;
      expect(attempt(state, { type, at: sec(20), by: 'x' }).outcome).toBe(expected);
    });

    it.each(ACTIONS)('%s after resolution is RESOLVED', (type) => {
      const resolved = act(act(act(open(), 'acknowledge', sec(10)), 'arrive', sec(20)), 'resolve', sec(30));
      expect(() => applyAction(resolved, { type, at: sec(40), by: 'x' })).toThrow(
        expect.objectContaining({ code: TimelineErrorCode.Resolved, name: 'TimelineError' }),
      );
    });

    it.each([
      ['before dispatch', -1, TimelineErrorCode.BeforeDispatch],
      ['at dispatch', 0, 'ok'],
      ['at NaN', Number.NaN, TimelineErrorCode.BeforeDispatch],
    ])('acknowledging %s', (_, offsetS, outcome) => {
      expect(attempt(open(), { type: 'acknowledge', at: sec(offsetS), by: 'x' }).outcome).toBe(outcome);
    });

    it('refuses an action dated before the milestone it follows', () => {
      const state = act(open(), 'acknowledge', sec(50));
      expect(attempt(state, { type: 'arrive', at: sec(40), by: 'x' }).outcome).toBe(TimelineErrorCode.OutOfOrder);
      expect(attempt(state, { type: 'arrive', at: sec(50), by: 'x' }).outcome).toBe('ok');
    });

    it.each([
      ['the assigned substation', 'S1', 'ok'],
      ['an operator for the command center', undefined, 'ok'],
      ['another substation', 'S5', TimelineErrorCode.WrongSubstation],
    ])('accepts or refuses %s', (_, substationId, outcome) => {
      expect(attempt(open(), { type: 'acknowledge', at: sec(5), by: 'x', substationId }).outcome).toBe(outcome);
    });

    it('accepts a backup once it has been called in', () => {
      const state = open();
      expect(attempt(state, { type: 'acknowledge', at: sec(70), by: 'x', substationId: 'S2' }).outcome).toBe(
        TimelineErrorCode.WrongSubstation,
      );
      const escalated = escalate(state, 'acknowledged', sec(60), 'S2');
      expect(attempt(escalated, { type: 'acknowledge', at: sec(70), by: 'x', substationId: 'S2' }).outcome).toBe('ok');
    });

    it('is an Error that says what was out of order', () => {
      expect(() => applyAction(open(), { type: 'resolve', at: sec(1), by: 'x' })).toThrow(Error);
      expect(() => applyAction(open(), { type: 'resolve', at: sec(1), by: 'x' })).toThrow('cannot resolve before onScene');
    });
  });

  it.each<[number | null, boolean | null]>([
    [sec(59), true],
    [sec(60), true],
    [sec(61), false],
  ])('milestoneMet with at=%p is %p, whenever it is asked', (at, met) => {
    const m = { name: 'acknowledged' as const, dueAt: sec(60), at, by: null, escalatedAt: null };
    for (const now of [sec(61), sec(60), sec(3600)]) expect(milestoneMet(m, now)).toBe(met);
  });

  it.each<[string, number, boolean | null]>([
    ['before its due time', sec(59), null],
    ['exactly at its due time (it can still be met)', sec(60), null],
    ['1 ms after its due time', sec(60) + 1, false],
    ['long after its due time', sec(3600), false],
  ])('an unmet milestone asked %s is %p', (_when, now, met) => {
    const clock = new ManualClock(now);
    expect(milestoneMet({ dueAt: sec(60), at: null }, clock.now())).toBe(met);
  });

  it('a missed milestone reads false from 1 ms past its deadline while the next is still open', () => {
    const clock = new ManualClock(sec(60));
    const state = open();
    expect(state.milestones.map((m) => milestoneMet(m, clock.now()))).toEqual([null, null, null]);
    clock.advance(1);
    expect(state.milestones.map((m) => milestoneMet(m, clock.now()))).toEqual([false, null, null]);
  });

  it.each(MILESTONE_NAMES.map((name) => [name, MILESTONE_NAMES.indexOf(name)] as const))(
    'the action for %s fills that milestone',
    (name, index) => {
      let state = open();
      for (const type of ACTIONS.slice(0, index + 1)) state = act(state, type, sec(5));
      expect(milestone(state, name).at).toBe(sec(5));
      expect(MILESTONE_OF[ACTIONS[index]]).toBe(name);
    },
  );
});
