import { z } from 'zod';
import { GRADES, type Grade } from '@app/contracts';
import policyFile from './rectification-policy.json';

const HOUR_MS = 3_600_000;

const policySchema = z
  .object({
    description: z.string().min(1),
    deadlineHours: z.record(z.enum(GRADES), z.number().positive()),
  })
  .strict();

/** How long an enterprise has to rectify a hazard of each severity (rectification-policy.json). */
export interface RectificationPolicy {
  readonly description: string;
  readonly deadlineHours: Readonly<Record<Grade, number>>;
}

export function rectificationPolicy(file: unknown): RectificationPolicy {
  return policySchema.parse(file);
}

export const RECTIFICATION_POLICY: RectificationPolicy = rectificationPolicy(policyFile);

/** The rectification deadline of a hazard of this severity found (or found again) at `from`. */
export function rectificationDeadline(policy: RectificationPolicy, severity: Grade, from: number): number {
  return from + policy.deadlineHours[severity] * HOUR_MS;
}
