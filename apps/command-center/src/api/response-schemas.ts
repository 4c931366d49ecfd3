import { z } from 'zod';

/**
 * Response bodies of the /api routes as they go over the wire (times are ISO-8601 strings), each registered
 * under the name it has in the OpenAPI document. Objects are strict, so the response-schema test fails on a
 * field the code sends but this file does not name: the document cannot silently fall behind the code.
 */
export const apiSchemas = z.registry<{ id: string }>();

function named<T extends z.ZodType>(id: string, schema: T): T {
  apiSchemas.add(schema, { id });
  return schema;
}

export const errorBody = named(
  'Error',
  z
    .strictObject({
      statusCode: z.number().int().min(400).max(599).meta({ example: 400 }),
      error: z.string().describe('the HTTP reason phrase').meta({ example: 'Bad Request' }),
      code: z
        .string()
        .describe(
          'what went wrong, for programs: VALIDATION_FAILED (with details), UNAUTHORIZED, FORBIDDEN, NOT_FOUND, PAYLOAD_TOO_LARGE, ' +
            'a refused incident action (OUT_OF_ORDER, ALREADY_DONE, INCIDENT_RESOLVED, BEFORE_DISPATCH, WRONG_SUBSTATION), INTERNAL_SERVER_ERROR',
        )
        .meta({ example: 'VALIDATION_FAILED' }),
      message: z.string().describe('for people').meta({ example: 'grade: Invalid option: expected one of "red"|"orange"|"yellow"|"blue"' }),
      details: z
        .array(z.strictObject({ path: z.string().describe('the field, dotted; "request" for the whole query or body'), message: z.string() }))
        .optional()
        .describe('one entry per invalid field (VALIDATION_FAILED only)'),
    })
    .describe('The body of every 4xx and 5xx answer'),
);
export type ErrorBody = z.infer<typeof errorBody>;
