import { Controller, ForbiddenException, HttpCode, Inject, NotFoundException, Param, Put, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { CLOCK } from '@app/config';
import { Clock } from '@app/domain';
import { SubstationAvailabilityRepository } from '@app/storage';
import { ZoneChanges } from '@app/transport';
import { Audited, AuditedRequest, auditChange } from '../audit/audited';
import { Authenticated, AuthenticatedRequest, Roles } from '../auth/auth.guard';
import { ApiErrors, ApiResult, ZodBody } from '../openapi/api-docs.decorators';
import { substation } from './response-schemas';
import { SubstationViews } from './substation-views';

const availabilityBody = z
  .object({
    available: z.boolean().describe('false: it gets no new incident until it is made available again'),
    reason: z.string().trim().min(1).max(500).describe('why, shown with the substation'),
  })
  .strict();

/** Taking a substation out of service and back: stored, audited, and live in every process within the second (zone.v1). */
@Controller('api/substations')
@ApiTags('substations')
@Authenticated()
export class SubstationAvailabilityController {
  constructor(
    private readonly availability: SubstationAvailabilityRepository,
    private readonly views: SubstationViews,
    private readonly zoneChanges: ZoneChanges,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Put(':id/availability')
  @HttpCode(200)
  @Roles('operator', 'substation')
  @Audited('substation', 'substation.availability')
  @ApiOperation({
    summary: 'Make a substation available or unavailable, with the reason',
    description:
      'An operator sets any substation, a substation token only its own (403 WRONG_SUBSTATION). The next dispatch decision in ' +
      'every process uses it: an unavailable substation gets no new incident; its open ones stay with it.',
  })
  @ApiResult(substation, { description: 'the substation with its availability as now stored' })
  @ApiErrors({ 400: 'an invalid body', 403: 'WRONG_SUBSTATION: a substation token setting another substation', 404: 'no such substation' })
  async set(@Param('id') id: string, @ZodBody(availabilityBody) body: z.output<typeof availabilityBody>, @Req() req: AuthenticatedRequest) {
    const p = req.principal;
    if (p.role === 'substation' && p.substationId !== id)
      throw new ForbiddenException({ code: 'WRONG_SUBSTATION', message: `a token of substation ${p.substationId} cannot set ${id}` });
    const now = this.clock.now();
    const change = await this.availability.set(id, body.available, body.reason, now);
    if (!change) throw new NotFoundException(`substation ${id} not found`);
    const correlationId = (req as AuditedRequest).correlationId ?? randomUUID();
    await this.zoneChanges.notify({ substations: [id] }, now, correlationId);
    const render = (a: typeof change.before) => ({
      available: a.available,
      reason: a.reason,
      changedAt: a.changedAt?.toISOString() ?? null,
    });
    auditChange(req, { entityId: id, before: render(change.before), after: render(change.after) });
    return this.views.one(id);
  }
}
