import { readFileSync } from 'node:fs';
import { DEFAULT_RULES_VERSION, defaultRuleSet, parseRuleFile, RuleFileError, type VersionedRuleSet } from '@app/domain';

/**
 * The rules a process grades by: the rule file at `path` (RULES_FILE), or the shipped defaults when unset.
 * Read once at start; throws a RuleFileError naming the file, and the device type, rule and field at fault.
 */
export function loadRuleFile(path: string | undefined): VersionedRuleSet {
  if (path === undefined) return { version: DEFAULT_RULES_VERSION, rules: defaultRuleSet() };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new RuleFileError(`rule file ${path}: cannot be read (${(e as Error).message})`);
  }
  try {
    return parseRuleFile(text);
  } catch (e) {
    if (e instanceof RuleFileError) throw new RuleFileError(e.message.replace(/^rule file:/, `rule file ${path}:`));
    throw e;
  }
}
