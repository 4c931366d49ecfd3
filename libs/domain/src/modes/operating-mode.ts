/** How a device or an enterprise is watched (SPEC.md, operator handling: test and disable). */
export const OPERATING_MODES = ['normal', 'test', 'disabled'] as const;
export type OperatingMode = (typeof OPERATING_MODES)[number];

/** A mode as stored: `until` is when a test or disabled mode ends by itself; null for normal. */
export interface StoredMode {
  mode: OperatingMode;
  until: number | null;
}

const STRICTNESS: Record<OperatingMode, number> = { normal: 0, test: 1, disabled: 2 };

/** The mode in force at `now`: one whose `until` has passed is normal already, whether or not it was reset yet. */
export function modeAt(stored: StoredMode | undefined, now: number): OperatingMode {
  if (!stored || stored.mode === 'normal' || stored.until === null || stored.until <= now) return 'normal';
  return stored.mode;
}

/**
 * The mode a device's findings are handled in: the stricter of its own and its enterprise's (disabled beats test
 * beats normal), so disabling an enterprise silences every device in it and testing it marks them all.
 */
export function effectiveMode(device: StoredMode | undefined, enterprise: StoredMode | undefined, now: number): OperatingMode {
  const own = modeAt(device, now);
  const inherited = modeAt(enterprise, now);
  return STRICTNESS[own] >= STRICTNESS[inherited] ? own : inherited;
}
