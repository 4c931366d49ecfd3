import { z } from 'zod';
import catalogueFile from './indicators.json';

const indicatorDefinition = z.discriminatedUnion('type', [
  z
    .object({
      code: z.string().regex(/^[a-z][a-z0-9_]*$/),
      name: z.string().min(1),
      type: z.literal('number'),
      unit: z.string().min(1),
      min: z.number().optional(),
      max: z.number().optional(),
    })
    .strict(),
  z.object({ code: z.string().regex(/^[a-z][a-z0-9_]*$/), name: z.string().min(1), type: z.literal('boolean') }).strict(),
  z
    .object({
      code: z.string().regex(/^[a-z][a-z0-9_]*$/),
      name: z.string().min(1),
      type: z.literal('enum'),
      values: z.array(z.string().min(1)).min(1),
    })
    .strict(),
  z
    .object({
      code: z.string().regex(/^[a-z][a-z0-9_]*$/),
      name: z.string().min(1),
      type: z.literal('string'),
      maxLength: z.number().int().optional(),
    })
    .strict(),
]);

export type IndicatorDefinition = z.output<typeof indicatorDefinition>;
export type IndicatorValue = number | boolean | string;

/** The zone's indicators, as data: which codes an enterprise may carry and what each value must be. */
export interface IndicatorCatalogue {
  readonly definitions: readonly IndicatorDefinition[];
  readonly byCode: ReadonlyMap<string, IndicatorDefinition>;
}

export function indicatorCatalogue(definitions: unknown): IndicatorCatalogue {
  const parsed = z
    .array(indicatorDefinition)
    .refine((list) => new Set(list.map((d) => d.code)).size === list.length, { message: 'indicator codes must be unique' })
    .parse(definitions);
  return { definitions: parsed, byCode: new Map(parsed.map((d) => [d.code, d])) };
}

/** The catalogue shipped with the platform (indicators.json beside this file). */
export const INDICATOR_CATALOGUE: IndicatorCatalogue = indicatorCatalogue(catalogueFile);

/** Why a value does not fit its indicator, or null when it does. */
export function indicatorValueError(catalogue: IndicatorCatalogue, code: string, value: unknown): string | null {
  const definition = catalogue.byCode.get(code);
  if (!definition) return `unknown indicator ${code}`;
  switch (definition.type) {
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return `expected a number (${definition.unit})`;
      if (definition.min !== undefined && value < definition.min) return `must be at least ${definition.min}`;
      if (definition.max !== undefined && value > definition.max) return `must be at most ${definition.max}`;
      return null;
    case 'boolean':
      return typeof value === 'boolean' ? null : 'expected true or false';
    case 'enum':
      return typeof value === 'string' && definition.values.includes(value) ? null : `expected one of ${definition.values.join(', ')}`;
    case 'string':
      if (typeof value !== 'string') return 'expected a string';
      return definition.maxLength !== undefined && value.length > definition.maxLength
        ? `at most ${definition.maxLength} characters`
        : null;
  }
}
