import { SetMetadata } from '@nestjs/common';
import type { AuthenticatedRequest } from '../auth/auth.guard';

export const AUDITED = 'audited';

/** What kind of write a handler is: its entity (`token`, `device`, `incident`, …) and action (`token.issue`, …). */
export interface AuditedAs {
  entity: string;
  action: string;
}

/** What one write changed, as the handler that made it describes it: never a secret. */
export interface AuditChange {
  entityId: string;
  /** The entity before the write; null when the write created it. */
  before: unknown;
  after: unknown;
}

export type AuditedRequest = AuthenticatedRequest & { correlationId?: string; auditChange?: AuditChange };

/**
 * Every write route under /api carries this, and its handler calls auditChange once it has written: the audit
 * interceptor refuses a write route without it before the handler runs, and fails a handler that wrote without
 * saying what it changed, so a new write endpoint cannot go unaudited.
 */
export const Audited = (entity: string, action: string) => SetMetadata(AUDITED, { entity, action } satisfies AuditedAs);

/** Tells the audit what the write that just succeeded changed; the record is appended when the handler returns. */
export function auditChange(req: AuthenticatedRequest, change: AuditChange): void {
  (req as AuditedRequest).auditChange = change;
}
