import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Scenario, scenarioSchema } from './scenario.schema';

export class ScenarioFileError extends Error {}

/** Parses and validates a scenario; the error names the file and every bad field by its path. */
export function parseScenario(text: string, source: string): Scenario {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ScenarioFileError(`${source}: not JSON: ${(e as Error).message}`);
  }
  const result = scenarioSchema.safeParse(json);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
    throw new ScenarioFileError(`${source}: invalid scenario\n${lines.join('\n')}`);
  }
  return result.data;
}

export function loadScenario(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ScenarioFileError(`${path}: ${(e as Error).message}`);
  }
  return parseScenario(text, basename(path));
}
