import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus } from '@nestjs/common';
import type { Response } from 'express';
import { TimelineError, TimelineErrorCode } from '@app/domain';

const STATUS: Record<TimelineErrorCode, number> = {
  [TimelineErrorCode.OutOfOrder]: HttpStatus.CONFLICT,
  [TimelineErrorCode.AlreadyDone]: HttpStatus.CONFLICT,
  [TimelineErrorCode.Resolved]: HttpStatus.CONFLICT,
  [TimelineErrorCode.BeforeDispatch]: HttpStatus.CONFLICT,
  [TimelineErrorCode.WrongSubstation]: HttpStatus.FORBIDDEN,
};

/** A refused substation action is a 4xx with the domain's code, never a silent change. */
@Catch(TimelineError)
export class TimelineErrorFilter implements ExceptionFilter {
  catch(error: TimelineError, host: ArgumentsHost): void {
    const status = STATUS[error.code] ?? HttpStatus.CONFLICT;
    host.switchToHttp().getResponse<Response>().status(status).json({ statusCode: status, code: error.code, message: error.message });
  }
}
