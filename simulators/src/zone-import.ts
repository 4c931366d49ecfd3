import { parseArgs } from 'node:util';
import { describeRegisterError, REGISTER_KINDS, type KindCounts, type RegisterRowError } from '@app/domain';
import { readRegisterSource } from '@app/storage/register-file';

interface ImportAnswer {
  applied: boolean;
  created: KindCounts;
  updated: KindCounts;
  unchanged: KindCounts;
  errors: RegisterRowError[];
}

const USAGE = 'usage: npm run zone:import -- PATH [--dry-run] --url URL --token TOKEN   (PATH: a JSON file or a folder of CSV files)';

function printErrors(errors: readonly RegisterRowError[]): void {
  for (const e of errors) process.stdout.write(`error: ${describeRegisterError(e)}\n`);
}

/**
 * Imports a register (a JSON file, or a folder of substations.csv, enterprises.csv, devices.csv, contacts.csv) into a
 * running system through POST /api/zone/import. Exit code 0 when applied (or a clean dry run), 1 on bad rows, 2 on a
 * usage or connection error.
 */
async function main(): Promise<number> {
  let values: { 'dry-run'?: boolean; url?: string; token?: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      allowPositionals: true,
      options: { 'dry-run': { type: 'boolean' }, url: { type: 'string' }, token: { type: 'string' } },
    }));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (positionals.length !== 1 || !values.url || !values.token) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const path = positionals[0];
  const dryRun = values['dry-run'] === true;
  let source: Awaited<ReturnType<typeof readRegisterSource>>;
  try {
    source = await readRegisterSource(path);
  } catch (e) {
    process.stderr.write(`${path}: ${(e as Error).message}\n`);
    return 2;
  }
  if (source.errors.length > 0) {
    process.stdout.write(`${path}: ${source.errors.length} error(s); nothing sent\n`);
    printErrors(source.errors);
    return 1;
  }
  // CSV rows go as JSON: the server numbers them by position, so the answer's rows are mapped back to the file's lines.
  const body = Object.fromEntries(Object.entries(source.input).map(([kind, rows]) => [kind, rows.map((r) => r.value)]));
  let res: Response;
  try {
    res = await fetch(`${values.url.replace(/\/$/, '')}/api/zone/import?dryRun=${dryRun}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${values.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch (e) {
    process.stderr.write(`cannot reach ${values.url}: ${(e as Error).message}\n`);
    return 2;
  }
  const text = await res.text();
  let answer: ImportAnswer | undefined;
  try {
    // A 422 (bad rows, nothing applied) carries the same counts and errors as a 200.
    const parsed = JSON.parse(text) as Partial<ImportAnswer>;
    answer = (res.ok || res.status === 422) && Array.isArray(parsed.errors) && parsed.created ? (parsed as ImportAnswer) : undefined;
  } catch {
    answer = undefined;
  }
  if (!answer) {
    process.stderr.write(`POST /api/zone/import: HTTP ${res.status} ${text.slice(0, 300)}\n`);
    return 2;
  }
  const errors = answer.errors.map((e) => ({ ...e, row: fileRow(source.input, e) }));
  process.stdout.write(
    `${path}: ${dryRun ? 'dry run, nothing applied' : answer.applied ? 'applied' : 'nothing applied'}${errors.length ? `, ${errors.length} error(s)` : ''}\n`,
  );
  for (const kind of REGISTER_KINDS)
    process.stdout.write(
      `${kind}: ${answer.created[kind]} created, ${answer.updated[kind]} updated, ${answer.unchanged[kind]} unchanged\n`,
    );
  printErrors(errors);
  return errors.length > 0 ? 1 : 0;
}

/** The row as the file numbers it (CSV: its line) from the position the server saw. */
function fileRow(input: Awaited<ReturnType<typeof readRegisterSource>>['input'], e: RegisterRowError): number | null {
  if (e.kind === null || e.row === null) return e.row;
  return input[e.kind]?.[e.row - 1]?.row ?? e.row;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`${e.stack ?? String(e)}\n`);
    process.exit(2);
  },
);
