import { systemClock } from '@app/domain';

/** The clock every service reads time from; tests put a ManualClock here. */
export const CLOCK = Symbol('CLOCK');
export const clockProvider = { provide: CLOCK, useValue: systemClock };
