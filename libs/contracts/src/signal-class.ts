import { z } from 'zod';

/**
 * What kind of signal an alarm is, as GB 26875 and NFPA 72 keep them apart, in the order they are handled:
 * `fire` first; `alarm` (gas, electrical and other dangers); `supervisory` (hydrant pressure, fire doors,
 * fire lanes: the protection itself is impaired); `fault` (the device itself: faults, offline, battery),
 * which goes to maintenance and never dispatches a crew.
 */
export const SIGNAL_CLASSES = ['fire', 'alarm', 'supervisory', 'fault'] as const;
export const signalClassSchema = z.enum(SIGNAL_CLASSES);
export type SignalClass = z.infer<typeof signalClassSchema>;

/** 0 for fire, the first to be handled; higher is later. */
export function signalClassPriority(signalClass: SignalClass | null | undefined): number {
  const i = signalClass ? SIGNAL_CLASSES.indexOf(signalClass) : -1;
  return i < 0 ? SIGNAL_CLASSES.length : i;
}

/**
 * Orders alarms fire first, for Array.sort (stable: one alarm's own events keep their order). An alarm event from
 * before classes counts as `alarm`.
 */
export function fireFirst(a: { class?: SignalClass }, b: { class?: SignalClass }): number {
  return signalClassPriority(a.class ?? 'alarm') - signalClassPriority(b.class ?? 'alarm');
}

/** The one to handle first of two classes (an incident joined by a fire alarm becomes a fire). */
export function firstSignalClass(a: SignalClass | null, b: SignalClass | null): SignalClass | null {
  return signalClassPriority(a) <= signalClassPriority(b) ? a : b;
}

/** A fault never dispatches a crew. */
export function dispatchesCrew(signalClass: SignalClass | null | undefined): boolean {
  return signalClass !== 'fault';
}
