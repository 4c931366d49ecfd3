import { applyDecorators, Body, Query } from '@nestjs/common';
import { ApiBody, ApiQuery, ApiResponse, type SchemaObject } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import { z } from 'zod';
import { apiSchemas, errorBody } from '../api/response-schemas';
import { ZodPipe } from '../api/zod-query.pipe';
import { refTo, requestSchema } from './json-schema';

/** Runs a method decorator from inside a parameter decorator: the parameter's schema documents its method. */
function onMethod(target: object, key: string | symbol | undefined, ...decorators: MethodDecorator[]): void {
  if (key === undefined) throw new Error('zod parameter decorators go on methods');
  const descriptor = Object.getOwnPropertyDescriptor(target, key)!;
  for (const decorate of decorators) decorate(target, key, descriptor);
}

/**
 * The query, validated by the zod schema (400 VALIDATION_FAILED naming the field otherwise), and each of the
 * schema's fields documented as a query parameter: what is checked and what is documented are one schema.
 */
export function ZodQuery(schema: z.ZodType): ParameterDecorator {
  const json = requestSchema(schema);
  const required = new Set(json.required ?? []);
  const parameters = Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property as SchemaObject;
    return ApiQuery({ name, required: required.has(name), description, schema: rest });
  });
  return (target, key, index) => {
    Query(new ZodPipe(schema))(target, key, index);
    onMethod(target, key, ...parameters);
  };
}

/** The JSON body, validated and documented by the same zod schema. */
export function ZodBody(schema: z.ZodType): ParameterDecorator {
  const body = ApiBody({ required: true, schema: requestSchema(schema) });
  return (target, key, index) => {
    Body(new ZodPipe(schema))(target, key, index);
    onMethod(target, key, body);
  };
}

export interface ResultOptions {
  status?: number;
  description?: string;
  /** An array of the schema. */
  isArray?: boolean;
  headers?: Record<string, { description: string }>;
}

/** A JSON answer whose body is a schema of response-schemas.ts (a test holds real answers to it). */
export function ApiResult(schema: z.ZodType, { status = 200, description, isArray, headers }: ResultOptions = {}) {
  const ref = refTo(apiSchemas, schema);
  return ApiResponse({
    status,
    description: description ?? STATUS_CODES[status],
    schema: isArray ? { type: 'array', items: ref } : ref,
    headers: headers && Object.fromEntries(Object.entries(headers).map(([name, h]) => [name, { ...h, schema: { type: 'string' } }])),
  });
}

/** Error answers, each with the one error body. */
export function ApiErrors(errors: Partial<Record<400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429, string>>) {
  const ref = refTo(apiSchemas, errorBody);
  return applyDecorators(
    ...Object.entries(errors).map(([status, description]) => ApiResponse({ status: Number(status), description, schema: ref })),
  );
}

/** The paging headers of a list (see pagination.ts). */
export const PAGE_HEADERS = {
  'X-Next-Cursor': { description: 'when the page is full: pass as cursor to get the next one' },
  Link: { description: 'when the page is full: <this request with cursor>; rel="next"' },
};
