import { BadRequestException, PipeTransform } from '@nestjs/common';
import { ZodType } from 'zod';
import type { ErrorBody } from './response-schemas';

/** Validates a query or body with a zod schema; a failure is a 400 VALIDATION_FAILED naming each field. */
export class ZodPipe<T> implements PipeTransform<unknown, T> {
  constructor(readonly schema: ZodType<T>) {}

  transform(value: unknown): T {
    const result = this.schema.safeParse(value ?? {});
    if (result.success) return result.data;
    const details: ErrorBody['details'] = result.error.issues.map((i) => ({
      path: i.path.map(String).join('.') || 'request',
      message: i.message,
    }));
    throw new BadRequestException({
      code: 'VALIDATION_FAILED',
      message: details.map((d) => `${d.path}: ${d.message}`).join('; '),
      details,
    });
  }
}
