/** Seconds from dispatch to each milestone; an incident keeps the policy it was opened with. */
export interface TimelinePolicy {
  acknowledgeS: number;
  onSceneS: number;
  underControlS: number;
  /**
   * After an escalation, re-notify every this many seconds while the milestone
   * is still unmet (0 or absent: never), at most maxRenotifications times.
   * Optional because incidents opened before re-notification keep their policy.
   */
  renotifyS?: number;
  maxRenotifications?: number;
}

/** Zhejiang micro-fire-station rule: 1 minute to turn out, 3 to arrive, 5 to bring under control. */
export const DEFAULT_TIMELINE_POLICY: Readonly<TimelinePolicy> = Object.freeze({ acknowledgeS: 60, onSceneS: 180, underControlS: 300 });

/** Parses TIMELINE_SECONDS, e.g. '60,180,300'; throws naming the problem. */
export function parseTimelineSeconds(text: string): TimelinePolicy {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length !== 3 || parts.some((p) => !/^\d+$/.test(p))) {
    throw new Error(`timeline seconds: expected three whole numbers like "60,180,300", got "${text}"`);
  }
  const [acknowledgeS, onSceneS, underControlS] = parts.map(Number);
  if (acknowledgeS <= 0 || onSceneS < acknowledgeS || underControlS < onSceneS) {
    throw new Error(`timeline seconds: need 0 < acknowledge <= on scene <= under control, got "${text}"`);
  }
  return { acknowledgeS, onSceneS, underControlS };
}
