import { modeAt } from '@app/domain';
import type { OperatingModeRow } from '@app/storage';

export interface OperatingModeView {
  mode: OperatingModeRow['mode'];
  until: string | null;
  reason: string | null;
  setBy: string | null;
  setAt: string | null;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** The mode as the API shows it at `now`: one whose until has passed is shown normal, before the expiry sweep stores it. */
export function renderOperatingMode(m: OperatingModeRow | undefined, now: number): OperatingModeView {
  if (!m || modeAt({ mode: m.mode, until: m.until?.getTime() ?? null }, now) === 'normal')
    return { mode: 'normal', until: null, reason: null, setBy: m?.setBy ?? null, setAt: iso(m?.setAt ?? null) };
  return { mode: m.mode, until: iso(m.until), reason: m.reason, setBy: m.setBy, setAt: iso(m.setAt) };
}
