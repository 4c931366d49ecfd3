import type { HandledAlarmView } from '../api/alarm-views';

/** missing: no such alarm; done: it was acknowledged already and nothing changed. */
export type AlarmHandlingOutcome =
  { outcome: 'changed'; alarm: HandledAlarmView } | { outcome: 'missing' } | { outcome: 'done'; alarm: HandledAlarmView };
