import type { ReferenceObject, SchemaObject } from '@nestjs/swagger';
import { z } from 'zod';

const COMPONENTS = '#/components/schemas/';

/** A registry of schemas that the document names under components.schemas. */
export type NamedSchemas = z.core.$ZodRegistry<{ id: string }>;

// The document is OpenAPI 3.0, written for people: the 200-character pattern zod gives an ISO date-time says no
// more than format date-time, and the safe-integer bounds of every z.number().int() say nothing.
const options = {
  target: 'openapi-3.0',
  unrepresentable: 'any',
  override: ({ jsonSchema: s }: { jsonSchema: z.core.JSONSchema.BaseSchema }) => {
    if (s.format === 'date-time') delete s.pattern;
    if (s.maximum === Number.MAX_SAFE_INTEGER) delete s.maximum;
    if (s.minimum === Number.MIN_SAFE_INTEGER) delete s.minimum;
  },
} as const;

/** What a request may send: the input side of a schema, before coercion, defaults and transforms. */
export function requestSchema(schema: z.ZodType): SchemaObject {
  return z.toJSONSchema(schema, { ...options, io: 'input' }) as SchemaObject;
}

/** Every schema of the registry as a component, referring to the others by $ref. */
export function componentSchemas(registry: NamedSchemas): Record<string, SchemaObject> {
  const { schemas } = z.toJSONSchema(registry, { ...options, uri: (id) => COMPONENTS + id });
  return Object.fromEntries(Object.entries(schemas).map(([id, { $id: _, ...schema }]) => [id, schema as SchemaObject]));
}

/** A $ref to a registered schema; one that is not registered is a mistake in the code, found at start. */
export function refTo(registry: NamedSchemas, schema: z.ZodType): ReferenceObject {
  const id = registry.get(schema)?.id;
  if (!id) throw new Error(`schema is not registered for the API document: ${JSON.stringify(requestSchema(schema)).slice(0, 120)}`);
  return { $ref: COMPONENTS + id };
}
