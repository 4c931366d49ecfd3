import type { OperatingMode } from './operating-mode';

/** The longest a test or disabled mode may be set for: a forgotten mode must not silence a device for good. */
export const MAX_MODE_DAYS = 30;
export const MAX_MODE_MS = MAX_MODE_DAYS * 24 * 60 * 60 * 1000;
export const MAX_MODE_REASON_LENGTH = 500;

export interface ModeRequest {
  mode: OperatingMode;
  until?: number;
  reason?: string;
}

export type ModeRequestProblem = 'UNTIL_REQUIRED' | 'UNTIL_NOT_IN_FUTURE' | 'UNTIL_TOO_FAR' | 'REASON_REQUIRED' | 'REASON_TOO_LONG';

/** What the mode to store is: normal ends a mode (its until and reason are dropped); the others need both. */
export type ModeDecision =
  | { ok: true; mode: OperatingMode; until: number | null; reason: string | null }
  | { ok: false; problem: ModeRequestProblem; message: string };

export function decideMode(request: ModeRequest, now: number): ModeDecision {
  if (request.mode === 'normal') return { ok: true, mode: 'normal', until: null, reason: request.reason?.trim() || null };
  const reason = request.reason?.trim() ?? '';
  if (request.until === undefined) return { ok: false, problem: 'UNTIL_REQUIRED', message: `mode ${request.mode} needs until` };
  if (request.until <= now) return { ok: false, problem: 'UNTIL_NOT_IN_FUTURE', message: 'until must be in the future' };
  if (request.until - now > MAX_MODE_MS)
    return { ok: false, problem: 'UNTIL_TOO_FAR', message: `until must be at most ${MAX_MODE_DAYS} days ahead` };
  if (reason.length === 0) return { ok: false, problem: 'REASON_REQUIRED', message: `mode ${request.mode} needs a reason` };
  if (reason.length > MAX_MODE_REASON_LENGTH)
    return { ok: false, problem: 'REASON_TOO_LONG', message: `reason must be at most ${MAX_MODE_REASON_LENGTH} characters` };
  return { ok: true, mode: request.mode, until: request.until, reason };
}
