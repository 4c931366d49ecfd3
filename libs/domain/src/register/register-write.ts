import type { IndicatorCatalogue } from './indicator-catalogue';
import type { RegisterRowError } from './register-error';
import { planRegisterImport } from './register-plan';
import { ROW_SCHEMAS, emptyRegister, type RegisterKind, type RegisterRows } from './register-rows';

export type RegisterRow = RegisterRows[RegisterKind][number];

/** Why a single-row write is refused: each maps to one HTTP status at the edge. */
export enum RegisterWriteErrorCode {
  NotFound = 'NOT_FOUND',
  AlreadyExists = 'ALREADY_EXISTS',
  IdMismatch = 'ID_MISMATCH',
  /** The row's own shape: a wrong type, a missing or unknown field. */
  Invalid = 'VALIDATION_FAILED',
  /** The row against the rest of the register: an unknown reference, a location outside every area, an indicator. */
  RegisterInvalid = 'REGISTER_INVALID',
}

export type RegisterWritePlan =
  | { ok: true; before: RegisterRow | null; after: RegisterRow; changed: boolean; changes: RegisterRows }
  | { ok: false; code: RegisterWriteErrorCode; message: string; errors: RegisterRowError[] };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A stored row with a patch laid over it: nested objects (location, area, hazards, profile, indicators) merge
 * field by field, anything else replaces. In indicators a null removes the code, as the register has no null value.
 */
export function mergeRegisterPatch(stored: unknown, patch: unknown, path: readonly string[] = []): unknown {
  if (!isPlainObject(stored) || !isPlainObject(patch)) return patch;
  const merged: Record<string, unknown> = { ...stored };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null && path.length === 1 && path[0] === 'indicators') delete merged[key];
    else merged[key] = mergeRegisterPatch(stored[key], value, [...path, key]);
  }
  return merged;
}

function refused(code: RegisterWriteErrorCode, message: string, errors: RegisterRowError[] = []): RegisterWritePlan {
  return { ok: false, code, message, errors };
}

function describeErrors(errors: readonly RegisterRowError[]): string {
  return errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; ');
}

/** The checks of an import, on one row: its shape first, then against everything stored. */
function planRow(kind: RegisterKind, value: unknown, before: RegisterRow | null, stored: RegisterRows, catalogue: IndicatorCatalogue) {
  const shape = ROW_SCHEMAS[kind].safeParse(value);
  if (!shape.success) {
    const errors = shape.error.issues.map((issue) => {
      const path = issue.path.map(String);
      const field = issue.code === 'unrecognized_keys' ? [...path, issue.keys.join(',')].join('.') : path.join('.');
      return { kind, row: null, id: null, field: field || null, message: issue.message };
    });
    return refused(RegisterWriteErrorCode.Invalid, describeErrors(errors), errors);
  }
  const plan = planRegisterImport({ [kind]: [{ row: 1, value }] }, stored, catalogue);
  if (plan.errors.length > 0) {
    const errors = plan.errors.map((e) => ({ ...e, row: null }));
    return refused(RegisterWriteErrorCode.RegisterInvalid, describeErrors(errors), errors);
  }
  const after = shape.data;
  const changes = plan.changes;
  const changed = (changes[kind] as unknown[]).length > 0;
  return { ok: true, before, after, changed, changes: changed ? changes : emptyRegister() } satisfies RegisterWritePlan;
}

function storedRow(kind: RegisterKind, stored: RegisterRows, id: string): RegisterRow | null {
  return (stored[kind] as RegisterRow[]).find((r) => r.id === id) ?? null;
}

/** A new row (POST): validated as an import of that one row would be; an id already stored is refused, never overwritten. */
export function planRegisterCreate(
  kind: RegisterKind,
  body: unknown,
  stored: RegisterRows,
  catalogue: IndicatorCatalogue,
): RegisterWritePlan {
  if (!isPlainObject(body)) return refused(RegisterWriteErrorCode.Invalid, 'request: expected an object');
  const id = body.id;
  if (typeof id === 'string' && storedRow(kind, stored, id.trim()))
    return refused(RegisterWriteErrorCode.AlreadyExists, `${kind} ${id.trim()} already exists; PATCH it to change it`);
  return planRow(kind, body, null, stored, catalogue);
}

/**
 * A change to a stored row (PATCH): the patch is merged into it and the whole merged row is validated as an
 * import of it would be. An id in the body must be the path's.
 */
export function planRegisterPatch(
  kind: RegisterKind,
  id: string,
  body: unknown,
  stored: RegisterRows,
  catalogue: IndicatorCatalogue,
): RegisterWritePlan {
  if (!isPlainObject(body)) return refused(RegisterWriteErrorCode.Invalid, 'request: expected an object');
  if (body.id !== undefined && body.id !== id)
    return refused(RegisterWriteErrorCode.IdMismatch, `id: ${JSON.stringify(body.id)} differs from the path's ${id}`, [
      { kind, row: null, id, field: 'id', message: 'differs from the id in the path' },
    ]);
  const before = storedRow(kind, stored, id);
  if (!before) return refused(RegisterWriteErrorCode.NotFound, `${kind} ${id} not found`);
  return planRow(kind, mergeRegisterPatch(before, body), before, stored, catalogue);
}
