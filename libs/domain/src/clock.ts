/** Where the domain gets "now" from, in epoch milliseconds; tests inject a manual one. */
export interface Clock {
  now(): number;
}

// The one place the wall clock is read; everything else receives a Clock or a timestamp.
export const systemClock: Clock = { now: () => Date.now() };
