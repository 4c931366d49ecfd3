import { z } from 'zod';

/** The four-colour risk grade (红橙黄蓝), most severe first. */
export const GRADES = ['red', 'orange', 'yellow', 'blue'] as const;
export const gradeSchema = z.enum(GRADES);
export type Grade = z.infer<typeof gradeSchema>;

const RANK: Record<Grade, number> = { red: 4, orange: 3, yellow: 2, blue: 1 };

export function gradeRank(grade: Grade | null | undefined): number {
  return grade ? RANK[grade] : 0;
}

export function maxGrade(a: Grade | null, b: Grade | null): Grade | null {
  return gradeRank(a) >= gradeRank(b) ? a : b;
}

/** Orange and red open or escalate an incident. */
export function opensIncident(grade: Grade | null): boolean {
  return gradeRank(grade) >= RANK.orange;
}
