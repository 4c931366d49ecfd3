import { Controller, Get, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import { AuditRepository } from '@app/storage';
import { Authenticated, Roles } from '../auth/auth.guard';
import { offerNextPage } from '../api/pagination';
import { auditListQuery } from '../api/query-schemas';
import { auditPage } from '../api/response-schemas';
import { ApiErrors, ApiResult, PAGE_HEADERS, ZodQuery } from '../openapi/api-docs.decorators';

/** The audit log: every write through the API, who made it, and the entity before and after. Append-only. */
@Controller('api/audit')
@ApiTags('audit')
@Authenticated()
export class AuditController {
  constructor(private readonly audit: AuditRepository) {}

  @Get()
  @Roles('operator')
  @ApiOperation({ summary: 'Audit records, newest first: who (token id, name, role), what, before and after, correlation id, when' })
  @ApiResult(auditPage, { headers: PAGE_HEADERS })
  @ApiErrors({ 400: 'an invalid filter, limit, offset or cursor' })
  async list(@ZodQuery(auditListQuery) q: z.output<typeof auditListQuery>, @Req() req: Request) {
    const { cursor, ...filter } = q;
    const records = await this.audit.list({ ...filter, after: cursor });
    offerNextPage(req, records, q.limit, (r) => ({ at: r.at.toISOString(), id: r.id }));
    return {
      items: records.map((r) => ({
        at: r.at.toISOString(),
        actor: r.actor,
        action: r.action,
        entity: r.entity,
        entityId: r.entityId,
        before: r.before,
        after: r.after,
        correlationId: r.correlationId,
      })),
    };
  }
}
