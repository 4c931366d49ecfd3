import type { FactoryProvider } from '@nestjs/common';
import { configToken, loadRuleFile, RulesConfig } from '@app/config';
import type { VersionedRuleSet } from '@app/domain';

/** Injects the rules to grade by and their version ({ version, rules }): RULES_FILE, else the shipped defaults. */
export const RULE_SET = Symbol('RULE_SET');

export const ruleSetProvider: FactoryProvider<VersionedRuleSet> = {
  provide: RULE_SET,
  inject: [configToken('rules')],
  // A file it cannot use throws here, so the process refuses to start with the RuleFileError's message.
  useFactory: (config: RulesConfig) => loadRuleFile(config.file),
};
