import { Grade, gradeRank } from '@app/contracts';
import { CommandCenterClient } from './command-center-client';
import { ScenarioCheck } from './scenario.schema';

export interface CheckResult {
  check: ScenarioCheck;
  passed: boolean;
  /** What was asked and what was found, in one line. */
  detail: string;
}

function withinCount(n: number, c: { min?: number; max?: number }): boolean {
  return (c.min === undefined || n >= c.min) && (c.max === undefined || n <= c.max);
}

function countText(c: { min?: number; max?: number }): string {
  if (c.min !== undefined && c.min === c.max) return `exactly ${c.min}`;
  return [c.min !== undefined ? `≥ ${c.min}` : '', c.max !== undefined ? `≤ ${c.max}` : ''].filter(Boolean).join(' and ');
}

/** Evaluates the checks of a scenario once against the running system. */
export async function evaluateChecks(
  checks: readonly ScenarioCheck[],
  api: CommandCenterClient,
  enterprises: Record<string, string[]>,
  deadLettersBefore: Record<string, number>,
): Promise<CheckResult[]> {
  const deadLetters = checks.some((c) => c.check === 'deadLetters') ? await api.deadLettersByReason() : {};
  const results: CheckResult[] = [];
  for (const check of checks) {
    switch (check.check) {
      case 'openAlarms': {
        const ids = enterprises[check.enterprise];
        const alarms = (await Promise.all(ids.map((id) => api.openAlarms(id)))).flat();
        const n = alarms.filter((a) => (!check.ruleId || a.ruleId === check.ruleId) && (!check.grade || a.grade === check.grade)).length;
        const what = `${check.ruleId ?? 'any rule'}${check.grade ? ` ${check.grade}` : ''}`;
        results.push({
          check,
          passed: withinCount(n, check),
          detail: `open alarms ${what} on ${check.enterprise} (${ids.join(', ')}): ${n}, want ${countText(check)}`,
        });
        break;
      }
      case 'openIncidents': {
        const ids = enterprises[check.enterprise];
        const n = (await Promise.all(ids.map((id) => api.openIncidents(id)))).flat().length;
        results.push({
          check,
          passed: withinCount(n, check),
          detail: `open incidents on ${check.enterprise} (${ids.join(', ')}): ${n}, want ${countText(check)}`,
        });
        break;
      }
      case 'enterpriseGrade': {
        const ids = enterprises[check.enterprise];
        const grades = await Promise.all(ids.map((id) => api.enterpriseGrade(id)));
        const ok = (g: string | null) =>
          check.is ? check.is.includes(g as Grade | null) : gradeRank(g as Grade | null) >= gradeRank(check.atLeast);
        const want = check.is ? `one of ${check.is.map(String).join(', ')}` : `at least ${check.atLeast}`;
        results.push({
          check,
          passed: grades.every(ok),
          detail: `grade of ${check.enterprise}: ${ids.map((id, i) => `${id} ${grades[i] ?? 'none'}`).join(', ')}, want ${want}`,
        });
        break;
      }
      case 'deadLetters': {
        const n = (deadLetters[check.reason] ?? 0) - (deadLettersBefore[check.reason] ?? 0);
        results.push({
          check,
          passed: withinCount(n, check),
          detail: `dead letters ${check.reason} since the start: ${n}, want ${countText(check)}`,
        });
        break;
      }
    }
  }
  return results;
}
