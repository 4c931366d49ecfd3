import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultRuleSet, RuleFileError } from '@app/domain';
import { loadRuleFile } from './rule-file.loader';

describe('loadRuleFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rule-file-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('gives the shipped defaults when no file is configured', () => {
    expect(loadRuleFile(undefined)).toEqual({ version: '2026.12-1', rules: defaultRuleSet() });
  });

  it('reads a configured file', () => {
    const rules = defaultRuleSet();
    rules.fire_lane_camera = [];
    expect(loadRuleFile(file('ok.json', JSON.stringify({ version: 'site-2', deviceTypes: rules })))).toEqual({ version: 'site-2', rules });
  });

  it('names the file and the fault of a bad one', () => {
    const path = file(
      'bad.json',
      JSON.stringify({
        version: '1',
        deviceTypes: { ...defaultRuleSet(), co_detector: [{ ...defaultRuleSet().co_detector[0], debounceS: -5 }] },
      }),
    );
    expect(() => loadRuleFile(path)).toThrow(RuleFileError);
    expect(() => loadRuleFile(path)).toThrow(`rule file ${path}: co_detector rule "co.high": debounceS must be a number >= 0`);
  });

  it('names a file it cannot read', () => {
    const path = join(dir, 'missing.json');
    expect(() => loadRuleFile(path)).toThrow(
      new RuleFileError(`rule file ${path}: cannot be read (ENOENT: no such file or directory, open '${path}')`),
    );
  });
});
