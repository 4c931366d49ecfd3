import {
  gradeEnterprise,
  INDICATOR_CATALOGUE,
  planRegisterCreate,
  planRegisterPatch,
  type IndicatorCatalogue,
  type RegisterKind,
  type RegisterWritePlan,
} from '@app/domain';
import type { Instant } from './sql-values';
import type { ZoneRepository } from './zone.repository';

export type RegisterWrite = { kind: RegisterKind; body: unknown } & ({ mode: 'create' } | { mode: 'update'; id: string });

/**
 * One row created or changed through the API, by the path of every import: validated against what is stored,
 * then written by the same upsert; a row the same as stored is not written again.
 */
export async function writeRegisterRow(
  zone: ZoneRepository,
  write: RegisterWrite,
  options: { at: Instant; catalogue?: IndicatorCatalogue },
): Promise<RegisterWritePlan> {
  const stored = await zone.loadRegister();
  const catalogue = options.catalogue ?? INDICATOR_CATALOGUE;
  const plan =
    write.mode === 'create'
      ? planRegisterCreate(write.kind, write.body, stored, catalogue)
      : planRegisterPatch(write.kind, write.id, write.body, stored, catalogue);
  if (plan.ok && plan.changed) await zone.applyRegister(plan.changes, gradeEnterprise, options.at);
  return plan;
}
