import type { ApiTokenRecord } from '@app/storage';

/** A token as the API lists it and the audit records it: who holds it and what it may do, never its secret. */
export function renderToken(t: ApiTokenRecord) {
  return {
    id: t.id,
    name: t.name,
    role: t.role,
    scope: t.substationId ? { substationId: t.substationId } : t.enterpriseId ? { enterpriseId: t.enterpriseId } : null,
    createdAt: t.createdAt.toISOString(),
    expiresAt: t.expiresAt?.toISOString() ?? null,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
  };
}
