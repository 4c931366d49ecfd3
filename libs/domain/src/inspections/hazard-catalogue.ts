import { z } from 'zod';
import { GRADES, type Grade } from '@app/contracts';
import kindsFile from './hazard-kinds.json';

const hazardKindFile = z
  .object({
    description: z.string().min(1),
    kinds: z
      .array(
        z
          .object({
            kind: z.string().regex(/^[a-z][a-z0-9-]*$/),
            name: z.string().min(1),
            nameZh: z.string().min(1).optional(),
            defaultSeverity: z.enum(GRADES),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export type HazardKind = z.output<typeof hazardKindFile>['kinds'][number];

/** The kinds of hazard an inspection may record, as data (hazard-kinds.json). */
export interface HazardCatalogue {
  readonly description: string;
  readonly kinds: readonly HazardKind[];
  readonly byKind: ReadonlyMap<string, HazardKind>;
}

export function hazardCatalogue(file: unknown): HazardCatalogue {
  const parsed = hazardKindFile.parse(file);
  const byKind = new Map(parsed.kinds.map((k) => [k.kind, k]));
  if (byKind.size !== parsed.kinds.length) throw new Error('hazard kind catalogue: a kind is listed twice');
  return { description: parsed.description, kinds: parsed.kinds, byKind };
}

export const HAZARD_CATALOGUE: HazardCatalogue = hazardCatalogue(kindsFile);

/** The severity a finding gets: the inspector's, or its kind's default. */
export function findingSeverity(kind: HazardKind, severity: Grade | undefined): Grade {
  return severity ?? kind.defaultSeverity;
}
