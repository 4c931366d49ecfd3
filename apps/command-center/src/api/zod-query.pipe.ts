import { BadRequestException, PipeTransform } from '@nestjs/common';
import { ZodType } from 'zod';

/** Validates a query or body with a zod schema; a failure is a 400 naming the field. */
export class ZodPipe<T> implements PipeTransform<unknown, T> {
  constructor(private readonly schema: ZodType<T>) {}

  transform(value: unknown): T {
    const result = this.schema.safeParse(value ?? {});
    if (result.success) return result.data;
    const message = result.error.issues.map((i) => `${i.path.map(String).join('.') || 'request'}: ${i.message}`).join('; ');
    throw new BadRequestException(message);
  }
}
