import { GRADES, isDeviceType, SIGNAL_CLASSES, type MetricName } from '@app/contracts';
import { z } from 'zod';
import { RULE_KINDS, type Rule, type RuleSet } from './rule';
import { RuleFileError } from './rule-file-error';
import { ruleLabel, ruleSetProblem } from './rule-set-validation';

/** What a rule file holds: the rules of every device type and the version they are known by. */
export interface VersionedRuleSet {
  version: string;
  rules: RuleSet;
}

function expected(what: string) {
  return { error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : `must be ${what}`) };
}

const levelSchema = z.strictObject({
  grade: z.enum(GRADES, expected(`one of ${GRADES.join(', ')}`)),
  threshold: z.number(expected('a number')),
});

// Types only; what the values mean (durations >= 0, levels in order, metrics of the device type, ...) is
// judged by ruleSetProblem(), which rule sets built in code go through as well. The API document shows it too.
export const ruleSchema = z.strictObject(
  {
    id: z.string(expected('a string')).min(1, 'must not be empty'),
    class: z.enum(SIGNAL_CLASSES, expected(`one of ${SIGNAL_CLASSES.join(', ')}`)),
    metric: z.string(expected('a metric name')),
    kind: z.enum(RULE_KINDS, expected(`one of ${RULE_KINDS.join(', ')}`)),
    levels: z.array(levelSchema, expected('a list of { "grade", "threshold" }')),
    debounceS: z.number(expected('a number of seconds')),
    hysteresis: z.number(expected('a number')),
    clearAfterS: z.number(expected('a number of seconds')),
    windowS: z.number(expected('a number of seconds')).optional(),
    count: z.number(expected('a number')).optional(),
    description: z.string(expected('a string')).min(1, 'must say what the rule is and where its numbers come from'),
  },
  expected('an object'),
);

const fileSchema = z.strictObject(
  {
    version: z.string(expected('a string')).min(1, 'must not be empty'),
    deviceTypes: z.record(z.string(), z.unknown(), expected('an object of device type: [rules]')),
  },
  expected('an object with "version" and "deviceTypes"'),
);

/** ["levels", 0, "grade"] → "levels[0].grade" */
function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out === '' ? '' : '.'}${String(p)}`;
  return out;
}

function describeIssues(error: z.ZodError): string {
  // A misspelt field also shows as the right one missing; the misspelling is the thing to point at.
  const issue = error.issues.find((i) => i.code === 'unrecognized_keys') ?? error.issues[0];
  const at = fieldPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const fields = issue.keys.map((k) => (at === '' ? k : `${at}.${k}`));
    return `${fields.join(', ')} ${fields.length === 1 ? 'is not a known field' : 'are not known fields'}`;
  }
  return at === '' ? issue.message : `${at} ${issue.message}`;
}

function fail(problem: string): never {
  throw new RuleFileError(`rule file: ${problem}`);
}

/** Validates rule-file data already parsed from JSON; see parseRuleFile(). */
export function parseRuleFileData(data: unknown): VersionedRuleSet {
  const file = fileSchema.safeParse(data);
  if (!file.success) fail(describeIssues(file.error));
  const rules: Record<string, Rule[]> = {};
  for (const [type, list] of Object.entries(file.data.deviceTypes)) {
    if (!isDeviceType(type)) fail(`unknown device type ${type}`);
    if (!Array.isArray(list)) fail(`${type} must be a list of rules`);
    rules[type] = list.map((raw: unknown, i) => {
      const parsed = ruleSchema.safeParse(raw);
      if (!parsed.success) fail(`${ruleLabel(type, (raw as { id?: unknown } | null)?.id, i)}: ${describeIssues(parsed.error)}`);
      return { ...parsed.data, metric: parsed.data.metric as MetricName };
    });
  }
  const problem = ruleSetProblem(rules as RuleSet);
  if (problem) fail(problem);
  return { version: file.data.version, rules: rules as RuleSet };
}

/**
 * Reads a rule file: `{ "version": "...", "deviceTypes": { "<device type>": [Rule, ...] } }`, every device
 * type listed (`[]` for none). Throws a RuleFileError naming the device type, the rule and the field at fault.
 */
export function parseRuleFile(text: string): VersionedRuleSet {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    fail(`not valid JSON: ${(e as Error).message}`);
  }
  return parseRuleFileData(data);
}
