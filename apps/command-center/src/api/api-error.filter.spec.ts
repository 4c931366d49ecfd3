import { BadRequestException, ForbiddenException, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { z } from 'zod';
import { TimelineError, TimelineErrorCode } from '@app/domain';
import { errorBodyOf } from './api-error.filter';
import { errorBody } from './response-schemas';
import { ZodPipe } from './zod-query.pipe';

const thrownBy = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
};

describe('errorBodyOf', () => {
  it.each([
    [
      'a 400',
      new BadRequestException('from must be before to'),
      { statusCode: 400, error: 'Bad Request', code: 'BAD_REQUEST', message: 'from must be before to' },
    ],
    [
      "the guard's 401",
      new UnauthorizedException('a valid Bearer token is required'),
      { statusCode: 401, error: 'Unauthorized', code: 'UNAUTHORIZED', message: 'a valid Bearer token is required' },
    ],
    [
      "the guard's 403",
      new ForbiddenException('role viewer may not do this'),
      { statusCode: 403, error: 'Forbidden', code: 'FORBIDDEN', message: 'role viewer may not do this' },
    ],
    [
      'a 404',
      new NotFoundException('incident x not found'),
      { statusCode: 404, error: 'Not Found', code: 'NOT_FOUND', message: 'incident x not found' },
    ],
    [
      'a refused out-of-order action',
      new TimelineError(TimelineErrorCode.OutOfOrder, 'cannot arrive before acknowledged'),
      { statusCode: 409, error: 'Conflict', code: 'OUT_OF_ORDER', message: 'cannot arrive before acknowledged' },
    ],
    [
      "a substation acting on another's incident",
      new TimelineError(TimelineErrorCode.WrongSubstation, 'substation S2 is neither assigned nor backup'),
      { statusCode: 403, error: 'Forbidden', code: 'WRONG_SUBSTATION', message: 'substation S2 is neither assigned nor backup' },
    ],
    [
      "body-parser's 413",
      Object.assign(new Error('request entity too large'), { statusCode: 413, expose: true }),
      { statusCode: 413, error: 'Payload Too Large', code: 'PAYLOAD_TOO_LARGE', message: 'request entity too large' },
    ],
    [
      'an unexpected error, without its message',
      new Error('connection terminated: password=hunter2'),
      { statusCode: 500, error: 'Internal Server Error', code: 'INTERNAL_SERVER_ERROR', message: 'internal error' },
    ],
  ])('gives %s the one body shape', (_, exception, expected) => {
    const body = errorBodyOf(exception);
    expect(body).toEqual(expected);
    expect(errorBody.parse(body)).toEqual(body);
  });

  it('gives a failed zod validation its fields as details', () => {
    const sut = new ZodPipe(z.object({ grade: z.enum(['red', 'blue']).optional(), limit: z.coerce.number().int().min(1) }));
    const body = errorBodyOf(thrownBy(() => sut.transform({ grade: 'purple', limit: '0' })));
    expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'VALIDATION_FAILED' });
    expect(body.details?.map((d) => d.path)).toEqual(['grade', 'limit']);
    expect(body.message).toBe(body.details!.map((d) => `${d.path}: ${d.message}`).join('; '));
    expect(errorBody.parse(body)).toEqual(body);
  });
});
