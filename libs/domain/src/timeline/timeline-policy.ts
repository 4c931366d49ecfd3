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
