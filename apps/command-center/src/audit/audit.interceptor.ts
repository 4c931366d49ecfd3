import { CallHandler, ExecutionContext, Inject, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { mergeMap, Observable } from 'rxjs';
import { CLOCK } from '@app/config';
import { Clock } from '@app/domain';
import { AuditRepository } from '@app/storage';
import { AUDITED, AuditedAs, AuditedRequest } from './audited';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** A caller's correlation id is taken as it is when it looks like one; anything else gets a new one. */
const CORRELATION_ID = /^[\w.:@-]{1,128}$/;

/**
 * Gives every /api request a correlation id (the caller's `X-Correlation-Id`, or a new uuid; sent back in the
 * same header) and appends one audit record for every write under /api that succeeds. A write that fails (a 4xx
 * from the guard, the body's validation or the handler) records nothing, since only a handler's result reaches
 * the append. A write route must say what it is (@Audited) and its handler what it changed (auditChange):
 * otherwise the request fails, so every write is audited by construction, including routes added later.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Audit');

  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<AuditedRequest>();
    if (!req.path.startsWith('/api/')) return next.handle();
    const given = req.headers['x-correlation-id'];
    const correlationId = typeof given === 'string' && CORRELATION_ID.test(given) ? given : randomUUID();
    req.correlationId = correlationId;
    req.res?.setHeader('X-Correlation-Id', correlationId);
    if (!WRITES.has(req.method)) return next.handle();

    const what = this.reflector.get<AuditedAs | undefined>(AUDITED, context.getHandler());
    if (!what) throw new Error(`${req.method} ${req.path} writes without @Audited: refused before it changes anything`);
    return next.handle().pipe(
      mergeMap(async (result: unknown) => {
        const change = req.auditChange;
        if (!change) throw new Error(`${req.method} ${req.path} wrote without saying what it changed (auditChange)`);
        const { tokenId, name, role } = req.principal;
        try {
          await this.audit.append({
            at: new Date(this.clock.now()),
            actor: { tokenId, name, role },
            action: what.action,
            entity: what.entity,
            entityId: change.entityId,
            before: change.before,
            after: change.after,
            correlationId,
          });
        } catch (e) {
          this.logger.error(`${what.action} of ${what.entity} ${change.entityId} by ${tokenId} succeeded but its audit record failed`);
          throw e;
        }
        return result;
      }),
    );
  }
}
