import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  INDICATOR_CATALOGUE,
  parseRegisterCsv,
  REGISTER_KINDS,
  registerInputFromJson,
  type RegisterInput,
  type RegisterRowError,
} from '@app/domain';

/**
 * Reads a register from a JSON file or a folder of CSV files (substations.csv, enterprises.csv, devices.csv,
 * contacts.csv; any of them), rows numbered as the errors name them: JSON by position, CSV by line.
 */
export async function readRegisterSource(path: string): Promise<{ input: RegisterInput; errors: RegisterRowError[] }> {
  if ((await stat(path)).isDirectory()) {
    const files = new Set(await readdir(path));
    const input: RegisterInput = {};
    const errors: RegisterRowError[] = [];
    for (const kind of REGISTER_KINDS) {
      if (!files.has(`${kind}.csv`)) continue;
      const parsed = parseRegisterCsv(kind, await readFile(join(path, `${kind}.csv`)), INDICATOR_CATALOGUE);
      input[kind] = parsed.rows;
      errors.push(...parsed.errors);
    }
    if (Object.keys(input).length === 0 && errors.length === 0)
      errors.push({
        kind: null,
        row: null,
        id: null,
        field: null,
        message: `no ${REGISTER_KINDS.map((k) => `${k}.csv`).join(', ')} in ${path}`,
      });
    return { input, errors };
  }
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(await readFile(path)));
  } catch (e) {
    return {
      input: {},
      errors: [{ kind: null, row: null, id: null, field: null, message: `not a UTF-8 JSON file: ${(e as Error).message}` }],
    };
  }
  return registerInputFromJson(body);
}
