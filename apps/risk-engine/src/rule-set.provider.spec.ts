import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { configToken, loadConfig } from '@app/config';
import { defaultRuleSet, RuleFileError, type VersionedRuleSet } from '@app/domain';
import { ruleSetProvider } from './rule-set.provider';

describe('ruleSetProvider', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rule-set-'));
  const sut = (env: NodeJS.ProcessEnv) => ruleSetProvider.useFactory(loadConfig(env).rules) as VersionedRuleSet;

  it('gives the shipped default rules when RULES_FILE is unset', () => {
    expect(sut({})).toEqual({ version: '2026.12-1', rules: defaultRuleSet() });
  });

  it('gives the rules of RULES_FILE', () => {
    const rules = defaultRuleSet();
    rules.hydrant_monitor = rules.hydrant_monitor.filter((r) => r.kind !== 'sudden-drop');
    const path = join(dir, 'rules.json');
    writeFileSync(path, JSON.stringify({ version: 'site-9', deviceTypes: rules }));
    expect(sut({ RULES_FILE: path })).toEqual({ version: 'site-9', rules });
  });

  it('refuses a bad file with the RuleFileError naming the fault', () => {
    const path = join(dir, 'bad.json');
    const rules = defaultRuleSet();
    rules.smoke_detector[0].levels[0].grade = 'purple' as 'red';
    writeFileSync(path, JSON.stringify({ version: '1', deviceTypes: rules }));
    expect(() => sut({ RULES_FILE: path })).toThrow(RuleFileError);
    expect(() => sut({ RULES_FILE: path })).toThrow(
      `rule file ${path}: smoke_detector rule "smoke.alarm": levels[0].grade must be one of red, orange, yellow, blue`,
    );
  });

  it('stops a Nest module that provides it from starting on a bad file', async () => {
    const path = join(dir, 'missing-count.json');
    const rules = defaultRuleSet();
    delete rules.electrical_fire_monitor[1].count;
    writeFileSync(path, JSON.stringify({ version: '1', deviceTypes: rules }));
    @Module({ providers: [{ provide: configToken('rules'), useValue: loadConfig({ RULES_FILE: path }).rules }, ruleSetProvider] })
    class AppModule {}
    await expect(Test.createTestingModule({ imports: [AppModule] }).compile()).rejects.toThrow(
      'count is required for a count-in-window rule',
    );
  });
});
