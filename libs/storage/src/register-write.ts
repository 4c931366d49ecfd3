import {
  gradeEnterprise,
  INDICATOR_CATALOGUE,
  planRegisterCreate,
  planRegisterPatch,
  type IndicatorCatalogue,
  RegisterWriteErrorCode,
  type RegisterKind,
  type RegisterWritePlan,
} from '@app/domain';
import type { Instant } from './sql-values';
import type { ZoneRepository } from './zone.repository';

export type RegisterWrite = { kind: RegisterKind; body: unknown } & ({ mode: 'create' } | { mode: 'update'; id: string });

/**
 * One row created or changed through the API, by the path of every import: validated against what is stored,
 * then written; a row the same as stored is not written again. A creation only inserts: the id may have been
 * stored since it was read (two POSTs of one id at once), and then it is refused as the plan would have, not
 * written over.
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
  if (!plan.ok || !plan.changed) return plan;
  if (write.mode === 'update') {
    await zone.applyRegister(plan.changes, gradeEnterprise, options.at);
    return plan;
  }
  if (await zone.createRegisterRows(plan.changes, gradeEnterprise, options.at)) return plan;
  return {
    ok: false,
    code: RegisterWriteErrorCode.AlreadyExists,
    message: `${write.kind} ${plan.after.id} already exists; PATCH it to change it`,
    errors: [],
  };
}
