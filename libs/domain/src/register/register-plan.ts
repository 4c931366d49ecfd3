import type { z } from 'zod';
import { indicatorValueError, type IndicatorCatalogue } from './indicator-catalogue';
import type { RegisterRowError } from './register-error';
import { REGISTER_KINDS, ROW_SCHEMAS, emptyRegister, type RegisterKind, type RegisterRows, type RegisterSubstation } from './register-rows';

/** A row as it came in, before validation, with the number the errors name it by. */
export interface RawRow {
  row: number;
  value: unknown;
}

export type RegisterInput = Partial<Record<RegisterKind, readonly RawRow[]>>;

export type KindCounts = Record<RegisterKind, number>;

/** What an import would do: the rows to write (created or changed), and how many of each kind are new, changed, the same. */
export interface RegisterPlan {
  errors: RegisterRowError[];
  changes: RegisterRows;
  createdIds: Record<RegisterKind, string[]>;
  created: KindCounts;
  updated: KindCounts;
  unchanged: KindCounts;
}

function counts(): KindCounts {
  return { substations: 0, enterprises: 0, devices: 0, contacts: 0 };
}

/** A JSON register: an object with any of the four kinds, each an array of rows numbered from 1. */
export function registerInputFromJson(body: unknown): { input: RegisterInput; errors: RegisterRowError[] } {
  const errors: RegisterRowError[] = [];
  const input: RegisterInput = {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    errors.push({ kind: null, row: null, id: null, field: null, message: `expected an object with ${REGISTER_KINDS.join(', ')}` });
    return { input, errors };
  }
  for (const [key, value] of Object.entries(body)) {
    if (!(REGISTER_KINDS as readonly string[]).includes(key)) {
      errors.push({ kind: null, row: null, id: null, field: key, message: `unknown kind; expected ${REGISTER_KINDS.join(', ')}` });
    } else if (!Array.isArray(value)) {
      errors.push({ kind: key as RegisterKind, row: null, id: null, field: null, message: 'expected an array of rows' });
    } else {
      input[key as RegisterKind] = value.map((v: unknown, i) => ({ row: i + 1, value: v }));
    }
  }
  return { input, errors };
}

function rowId(value: unknown): string | null {
  const id = typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : null;
}

function issueErrors(kind: RegisterKind, raw: RawRow, issues: readonly z.core.$ZodIssue[]): RegisterRowError[] {
  return issues.map((issue) => {
    const path = issue.path.map(String);
    const field = issue.code === 'unrecognized_keys' ? [...path, issue.keys.join(',')].join('.') : path.join('.');
    return { kind, row: raw.row, id: rowId(raw.value), field: field || null, message: issue.message };
  });
}

/** Keys in a fixed order, so equal rows compare equal whatever order their fields came in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

function inside(area: RegisterSubstation['area'], p: { lat: number; lon: number }): boolean {
  return p.lat >= area.minLat && p.lat <= area.maxLat && p.lon >= area.minLon && p.lon <= area.maxLon;
}

/**
 * Validates an import against itself and what is stored and works out what it changes: each row's shape,
 * duplicate ids, references to substations and enterprises (in the import or stored), an enterprise's
 * location inside some substation's area, its indicators against the catalogue. Any error, and the plan
 * is not to be applied.
 */
export function planRegisterImport(input: RegisterInput, stored: RegisterRows, catalogue: IndicatorCatalogue): RegisterPlan {
  const errors: RegisterRowError[] = [];
  const parsed = emptyRegister();
  const rowOf = new Map<string, RawRow>();
  for (const kind of REGISTER_KINDS) {
    const seen = new Map<string, number>();
    for (const raw of input[kind] ?? []) {
      const result = ROW_SCHEMAS[kind].safeParse(raw.value);
      if (!result.success) {
        errors.push(...issueErrors(kind, raw, result.error.issues));
        continue;
      }
      const first = seen.get(result.data.id);
      if (first !== undefined) {
        errors.push({ kind, row: raw.row, id: result.data.id, field: 'id', message: `duplicate id, first at row ${first}` });
        continue;
      }
      seen.set(result.data.id, raw.row);
      rowOf.set(`${kind}/${result.data.id}`, raw);
      (parsed[kind] as unknown[]).push(result.data);
    }
  }

  const merged = <T extends { id: string }>(incoming: readonly T[], kept: readonly T[]) => {
    const map = new Map(kept.map((x) => [x.id, x]));
    for (const x of incoming) map.set(x.id, x);
    return map;
  };
  const substations = merged(parsed.substations, stored.substations);
  const enterprises = merged(parsed.enterprises, stored.enterprises);
  const error = (kind: RegisterKind, id: string, field: string, message: string) =>
    errors.push({ kind, row: rowOf.get(`${kind}/${id}`)?.row ?? null, id, field, message });

  for (const e of parsed.enterprises) {
    if (!substations.has(e.substationId)) error('enterprises', e.id, 'substationId', `unknown substation ${e.substationId}`);
    if (![...substations.values()].some((s) => inside(s.area, e.location)))
      error('enterprises', e.id, 'location', `(${e.location.lat}, ${e.location.lon}) is outside every substation area`);
    for (const [code, value] of Object.entries(e.indicators)) {
      const problem = indicatorValueError(catalogue, code, value);
      if (problem) error('enterprises', e.id, `indicators.${code}`, problem);
    }
  }
  for (const d of parsed.devices)
    if (!enterprises.has(d.enterpriseId)) error('devices', d.id, 'enterpriseId', `unknown enterprise ${d.enterpriseId}`);
  for (const c of parsed.contacts) {
    if (c.enterpriseId !== null && !enterprises.has(c.enterpriseId))
      error('contacts', c.id, 'enterpriseId', `unknown enterprise ${c.enterpriseId}`);
    if (c.substationId !== null && !substations.has(c.substationId))
      error('contacts', c.id, 'substationId', `unknown substation ${c.substationId}`);
  }
  errors.sort((a, b) => REGISTER_KINDS.indexOf(a.kind!) - REGISTER_KINDS.indexOf(b.kind!) || (a.row ?? 0) - (b.row ?? 0));

  const plan: RegisterPlan = {
    errors,
    changes: emptyRegister(),
    createdIds: { substations: [], enterprises: [], devices: [], contacts: [] },
    created: counts(),
    updated: counts(),
    unchanged: counts(),
  };
  for (const kind of REGISTER_KINDS) {
    const before = new Map((stored[kind] as { id: string }[]).map((x) => [x.id, canonical(x)]));
    for (const row of parsed[kind] as { id: string }[]) {
      const was = before.get(row.id);
      if (was === undefined) {
        plan.created[kind]++;
        plan.createdIds[kind].push(row.id);
      } else if (was !== canonical(row)) plan.updated[kind]++;
      else {
        plan.unchanged[kind]++;
        continue;
      }
      (plan.changes[kind] as unknown[]).push(row);
    }
  }
  return plan;
}
