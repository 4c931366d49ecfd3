import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Response } from 'express';
import { HazardError, HazardErrorCode, TimelineError, TimelineErrorCode } from '@app/domain';
import type { ErrorBody } from './response-schemas';

const TIMELINE_STATUS: Record<TimelineErrorCode, number> = {
  [TimelineErrorCode.OutOfOrder]: HttpStatus.CONFLICT,
  [TimelineErrorCode.AlreadyDone]: HttpStatus.CONFLICT,
  [TimelineErrorCode.Resolved]: HttpStatus.CONFLICT,
  [TimelineErrorCode.BeforeDispatch]: HttpStatus.CONFLICT,
  [TimelineErrorCode.WrongSubstation]: HttpStatus.FORBIDDEN,
};

const HAZARD_STATUS: Record<HazardErrorCode, number> = {
  [HazardErrorCode.AlreadyRectified]: HttpStatus.CONFLICT,
  [HazardErrorCode.AlreadyVerified]: HttpStatus.CONFLICT,
  [HazardErrorCode.VerifyNotRectified]: HttpStatus.CONFLICT,
  [HazardErrorCode.EvidenceTooLarge]: HttpStatus.PAYLOAD_TOO_LARGE,
  [HazardErrorCode.EvidenceTypeRefused]: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  [HazardErrorCode.TooManyEvidenceFiles]: HttpStatus.BAD_REQUEST,
};

/**
 * Every error an HTTP request ends in leaves as one body, { statusCode, error, code, message, details? }:
 * Nest's HTTP exceptions (the guard's 401/403, a 404, the zod pipe's 400 with details), the timeline's and the
 * hazard lifecycle's refusals with their domain code, body-parser's errors, and anything unexpected as a 500 that says no more.
 */
@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const body = errorBodyOf(exception);
    if (body.statusCode >= 500) this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(body.statusCode).json(body);
  }
}

export function errorBodyOf(exception: unknown): ErrorBody {
  if (exception instanceof TimelineError)
    return bodyOf(TIMELINE_STATUS[exception.code] ?? HttpStatus.CONFLICT, exception.code, exception.message);
  if (exception instanceof HazardError) return bodyOf(HAZARD_STATUS[exception.code], exception.code, exception.message);
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const r: { message?: unknown; code?: unknown; details?: ErrorBody['details']; answer?: Partial<ErrorBody> } =
      typeof response === 'string' ? { message: response } : response;
    const message = Array.isArray(r.message) ? r.message.join('; ') : typeof r.message === 'string' ? r.message : exception.message;
    // A refused import answers with what it would have done and every bad row, in the one error body.
    return { ...bodyOf(status, typeof r.code === 'string' ? r.code : codeOf(status), message, r.details), ...r.answer };
  }
  // Errors of the http-errors kind (body-parser's 413 and 415) carry their status and a message meant for the client.
  const e = exception as { statusCode?: unknown; expose?: unknown; message?: unknown } | null;
  if (
    typeof e?.statusCode === 'number' &&
    e.statusCode >= 400 &&
    e.statusCode < 500 &&
    e.expose !== false &&
    typeof e.message === 'string'
  ) {
    return bodyOf(e.statusCode, codeOf(e.statusCode), e.message);
  }
  return bodyOf(HttpStatus.INTERNAL_SERVER_ERROR, codeOf(HttpStatus.INTERNAL_SERVER_ERROR), 'internal error');
}

function bodyOf(statusCode: number, code: string, message: string, details?: ErrorBody['details']): ErrorBody {
  const body: ErrorBody = { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', code, message };
  if (details) body.details = details;
  return body;
}

/** NOT_FOUND for 404 and so on: HttpStatus is a numeric enum, so it maps back from the number. */
function codeOf(status: number): string {
  return (HttpStatus as unknown as Record<number, string | undefined>)[status] ?? 'ERROR';
}
