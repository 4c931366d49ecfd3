import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { IndicatorCatalogue } from './indicator-catalogue';
import type { RegisterRowError } from './register-error';
import type { RawRow } from './register-plan';
import type { RegisterKind, RegisterRows } from './register-rows';

type CellType = 'string' | 'number' | 'boolean' | 'nullable-string';
interface Column {
  header: string;
  type: CellType;
  required: boolean;
}

const col = (header: string, type: CellType, required = false): Column => ({ header, type, required });

/** The columns of each kind's CSV: nested fields flattened with dotted headers; `indicators.<code>` as the catalogue has them. */
export const CSV_COLUMNS: Record<RegisterKind, readonly Column[]> = {
  substations: [
    col('id', 'string', true),
    col('name', 'string', true),
    col('location.lat', 'number', true),
    col('location.lon', 'number', true),
    col('area.minLat', 'number', true),
    col('area.minLon', 'number', true),
    col('area.maxLat', 'number', true),
    col('area.maxLon', 'number', true),
    col('capacity', 'number', true),
    col('status', 'string'),
  ],
  enterprises: [
    col('id', 'string', true),
    col('name', 'string', true),
    col('industry', 'string', true),
    col('address', 'string'),
    col('location.lat', 'number', true),
    col('location.lon', 'number', true),
    col('substationId', 'string', true),
    col('status', 'string'),
    col('hazards.threeInOne', 'boolean'),
    col('hazards.multiTenant', 'boolean'),
    col('hazards.tenants', 'number'),
    col('hazards.unauthorisedStructures', 'boolean'),
    col('hazards.fireLaneBlocked', 'boolean'),
    col('hazards.noSprinklers', 'boolean'),
    col('profile.floors', 'number'),
    col('profile.areaM2', 'number'),
    col('profile.occupants', 'number'),
  ],
  devices: [
    col('id', 'string', true),
    col('enterpriseId', 'string', true),
    col('type', 'string', true),
    col('reportIntervalS', 'number', true),
    col('status', 'string'),
  ],
  contacts: [
    col('id', 'string', true),
    col('name', 'string', true),
    col('phone', 'string'),
    col('email', 'string'),
    col('role', 'string', true),
    col('enterpriseId', 'nullable-string'),
    col('substationId', 'nullable-string'),
    col('status', 'string'),
  ],
};

const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

/** A cell as its column's type; a cell that is not one stays a string, so validation names the field. */
function cell(type: CellType, text: string): unknown {
  if (text === '') return type === 'nullable-string' ? null : undefined;
  if (type === 'number') return NUMBER.test(text.trim()) ? Number(text) : text;
  if (type === 'boolean') return text === 'true' ? true : text === 'false' ? false : text;
  return text;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[path[path.length - 1]] = value;
}

/** The first line that is not UTF-8, or null: a file in GBK or Latin-1 is refused rather than read as mojibake. */
function firstBadLine(bytes: Uint8Array): number | null {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let start = 0;
  for (let line = 1; start <= bytes.length; line++) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    try {
      decoder.decode(bytes.subarray(start, end));
    } catch {
      return line;
    }
    start = end + 1;
  }
  return null;
}

/** One kind's CSV (UTF-8, a header line, comma separated) as rows numbered by their line in the file. */
export function parseRegisterCsv(
  kind: RegisterKind,
  bytes: Uint8Array,
  catalogue: IndicatorCatalogue,
): { rows: RawRow[]; errors: RegisterRowError[] } {
  const fail = (row: number | null, field: string | null, message: string) => ({
    rows: [],
    errors: [{ kind, row, id: null, field, message }],
  });
  const badLine = firstBadLine(bytes);
  if (badLine !== null) return fail(badLine, null, 'not valid UTF-8 text: save the file as UTF-8');
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(Buffer.from(bytes).toString('utf8'), { bom: true, info: true, skip_empty_lines: true }) as unknown as typeof records;
  } catch (e) {
    const line = (e as { lines?: number }).lines ?? null;
    return fail(line, null, `not a valid CSV: ${(e as Error).message}`);
  }
  if (records.length === 0) return fail(1, null, 'empty file: expected a header line');
  const header = records[0].record.map((h) => h.trim());
  const known = new Map(CSV_COLUMNS[kind].map((c) => [c.header, c]));
  const errors: RegisterRowError[] = [];
  const columns: (Column | null)[] = header.map((h) => {
    const column = known.get(h);
    if (column) return column;
    const code = kind === 'enterprises' && h.startsWith('indicators.') ? h.slice('indicators.'.length) : null;
    const definition = code !== null ? catalogue.byCode.get(code) : undefined;
    if (definition) return col(h, definition.type === 'number' ? 'number' : definition.type === 'boolean' ? 'boolean' : 'string');
    errors.push({ kind, row: 1, id: null, field: h, message: code !== null ? `unknown indicator ${code}` : 'unknown column' });
    return null;
  });
  for (const c of CSV_COLUMNS[kind])
    if (c.required && !header.includes(c.header)) errors.push({ kind, row: 1, id: null, field: c.header, message: 'missing column' });
  const duplicates = header.filter((h, i) => header.indexOf(h) !== i);
  for (const h of new Set(duplicates)) errors.push({ kind, row: 1, id: null, field: h, message: 'column given twice' });
  if (errors.length) return { rows: [], errors };

  const rows = records.slice(1).map(({ record, info }) => {
    const value: Record<string, unknown> = {};
    record.forEach((text, i) => {
      const column = columns[i]!;
      const v = cell(column.type, text);
      if (v !== undefined) setPath(value, column.header.split('.'), v);
    });
    return { row: info.lines, value };
  });
  return { rows, errors: [] };
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function getPath(value: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], value);
}

/** One kind's rows as CSV, with every indicator of the catalogue as a column, so that importing it gives them back. */
export function renderRegisterCsv(kind: RegisterKind, rows: RegisterRows, catalogue: IndicatorCatalogue): string {
  const headers = [
    ...CSV_COLUMNS[kind].map((c) => c.header),
    ...(kind === 'enterprises' ? catalogue.definitions.map((d) => `indicators.${d.code}`) : []),
  ];
  const records = rows[kind].map((row) => headers.map((h) => cellText(getPath(row, h.split('.')))));
  // Cells with surrounding spaces are quoted too, so that a reader trimming unquoted cells gives them back.
  return stringify([headers, ...records], { quoted_match: /^\s|\s$/ });
}
