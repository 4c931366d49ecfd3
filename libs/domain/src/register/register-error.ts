import type { RegisterKind } from './register-rows';

/** One bad row of an import: which kind, which row (JSON: position from 1; CSV: line of the file), which id and field. */
export interface RegisterRowError {
  kind: RegisterKind | null;
  row: number | null;
  id: string | null;
  field: string | null;
  message: string;
}

export function describeRegisterError(e: RegisterRowError): string {
  const where = [e.kind, e.row !== null ? `row ${e.row}` : null, e.id !== null ? `id ${e.id}` : null, e.field]
    .filter((x) => x !== null)
    .join(' ');
  return where ? `${where}: ${e.message}` : e.message;
}

/** A register file that cannot be loaded: its message names the first bad rows. */
export class RegisterFileError extends Error {
  constructor(
    readonly source: string,
    readonly errors: readonly RegisterRowError[],
  ) {
    const shown = errors.slice(0, 10).map(describeRegisterError);
    const more = errors.length > shown.length ? `; and ${errors.length - shown.length} more` : '';
    super(`${source}: ${errors.length} error(s): ${shown.join('; ')}${more}`);
    this.name = 'RegisterFileError';
  }
}
