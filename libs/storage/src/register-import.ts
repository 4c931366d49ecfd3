import {
  gradeEnterprise,
  INDICATOR_CATALOGUE,
  planRegisterImport,
  REGISTER_KINDS,
  type IndicatorCatalogue,
  type KindCounts,
  type RegisterInput,
  type RegisterKind,
  type RegisterRowError,
} from '@app/domain';
import type { Instant } from './sql-values';
import type { ZoneRepository } from './zone.repository';

export interface RegisterImportResult {
  applied: boolean;
  created: KindCounts;
  updated: KindCounts;
  unchanged: KindCounts;
  errors: RegisterRowError[];
  /** The ids written, per kind: what the audit record names. */
  createdIds: Record<RegisterKind, string[]>;
  updatedIds: Record<RegisterKind, string[]>;
}

export interface RegisterImportOptions {
  dryRun: boolean;
  at: Instant;
  /** Errors found before the rows (a body that is not a register, a CSV without a column): nothing is applied. */
  inputErrors?: readonly RegisterRowError[];
  /** Only into an empty zone (ZONE_FILE at first start): false and nothing written when there is one. */
  onlyIfEmpty?: boolean;
  catalogue?: IndicatorCatalogue;
}

/**
 * The one path of every import (the API, ZONE_FILE at first start, the benchmark): validate against what is
 * stored, then write all of what changes in one transaction, or nothing when any row is bad or on a dry run.
 */
export async function importRegister(
  zone: ZoneRepository,
  input: RegisterInput,
  options: RegisterImportOptions,
): Promise<RegisterImportResult> {
  const stored = await zone.loadRegister();
  const plan = planRegisterImport(input, stored, options.catalogue ?? INDICATOR_CATALOGUE);
  const errors = [...(options.inputErrors ?? []), ...plan.errors];
  const createdIds = plan.createdIds;
  const updatedIds = Object.fromEntries(
    REGISTER_KINDS.map((kind) => {
      const created = new Set(createdIds[kind]);
      return [kind, (plan.changes[kind] as { id: string }[]).map((r) => r.id).filter((id) => !created.has(id))];
    }),
  ) as Record<RegisterKind, string[]>;
  let applied = false;
  if (errors.length === 0 && !options.dryRun)
    applied = await zone.applyRegister(plan.changes, gradeEnterprise, options.at, { onlyIfEmpty: options.onlyIfEmpty });
  return { applied, created: plan.created, updated: plan.updated, unchanged: plan.unchanged, errors, createdIds, updatedIds };
}
