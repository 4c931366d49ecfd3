import { BadRequestException, Controller, Get, HttpCode, Inject, Post, Req, UnprocessableEntityException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { CLOCK } from '@app/config';
import { Clock, HAZARD_CATALOGUE, RECTIFICATION_POLICY } from '@app/domain';
import { InspectionsRepository } from '@app/storage';
import { Audited, AuditedRequest, auditChange } from '../audit/audited';
import { Authenticated, AuthenticatedRequest, EnterpriseScoped, enterpriseFilter, Roles } from '../auth/auth.guard';
import { ApiErrors, ApiResult, ZodBody, ZodQuery } from '../openapi/api-docs.decorators';
import { renderHazard, renderInspection } from './hazard-views';
import {
  EVIDENCE_RULES,
  hazardKind,
  inspection,
  InspectionBody,
  inspectionBody,
  inspectionListQuery,
  recordedInspection,
} from './inspection-schemas';
import { RecordInspection } from './record-inspection';

/** Inspections (an inspector's visit to an enterprise) and the catalogue of what they may find. */
@Controller('api')
@ApiTags('inspections')
@Authenticated()
export class InspectionsController {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly inspections: InspectionsRepository,
    private readonly recordInspection: RecordInspection,
  ) {}

  @Get('hazard-kinds')
  @EnterpriseScoped()
  @ApiOperation({ summary: 'The kinds of hazard an inspection may record, with their default severity (data: hazard-kinds.json)' })
  @ApiResult(hazardKind, { isArray: true })
  hazardKinds() {
    return HAZARD_CATALOGUE.kinds.map((k) => ({
      kind: k.kind,
      name: k.name,
      nameZh: k.nameZh ?? null,
      defaultSeverity: k.defaultSeverity,
    }));
  }

  @Post('inspections')
  @HttpCode(201)
  @Roles('inspector', 'operator')
  @Audited('inspection', 'inspection.record')
  @ApiOperation({
    summary: 'Record an inspection: each finding becomes a hazard with a responsible contact and a rectification deadline',
    description:
      `The deadline follows the severity (${RECTIFICATION_POLICY.description}) ` +
      "The responsible contact is the enterprise's contact of role responsible at the time, null when it has none. " +
      'Every hazard not yet verified counts in the enterprise’s grade at its severity; the grade change this makes has cause hazards and opens no incident. ' +
      `Nothing is written when anything is refused. ${EVIDENCE_RULES}`,
  })
  @ApiResult(recordedInspection, { status: 201, description: 'the inspection with the hazards it opened' })
  @ApiErrors({
    400: 'an invalid body, an at in the future (AT_IN_FUTURE), too many evidence files (TOO_MANY_EVIDENCE_FILES)',
    413: 'EVIDENCE_TOO_LARGE',
    415: 'EVIDENCE_TYPE_REFUSED',
    422: 'UNKNOWN_HAZARD_KIND (details name the finding), UNKNOWN_ENTERPRISE, UNKNOWN_CAMPAIGN, ENTERPRISE_NOT_IN_CAMPAIGN',
  })
  async record(@ZodBody(inspectionBody) body: InspectionBody, @Req() req: AuthenticatedRequest) {
    const { tokenId, name, role } = req.principal;
    const result = await this.recordInspection.execute({
      actor: { tokenId, name, role },
      correlationId: (req as AuditedRequest).correlationId ?? randomUUID(),
      enterpriseId: body.enterpriseId,
      at: body.at,
      note: body.note ?? '',
      campaignId: body.campaignId ?? null,
      findings: body.findings,
    });
    switch (result.outcome) {
      case 'in-the-future':
        throw new BadRequestException({ code: 'AT_IN_FUTURE', message: 'at: an inspection cannot be recorded before it happens' });
      case 'unknown-kind': {
        const path = `findings.${result.index}.kind`;
        const message = `no hazard kind ${result.kind} (see GET /api/hazard-kinds)`;
        throw new UnprocessableEntityException({
          code: 'UNKNOWN_HAZARD_KIND',
          message: `${path}: ${message}`,
          details: [{ path, message }],
        });
      }
      case 'unknown-campaign':
        throw new UnprocessableEntityException({ code: 'UNKNOWN_CAMPAIGN', message: `campaignId: no campaign ${body.campaignId}` });
      case 'not-in-campaign':
        throw new UnprocessableEntityException({
          code: 'ENTERPRISE_NOT_IN_CAMPAIGN',
          message: `campaignId: campaign ${body.campaignId} does not hold enterprise ${body.enterpriseId}`,
        });
      case 'unknown-enterprise':
        throw new UnprocessableEntityException({ code: 'UNKNOWN_ENTERPRISE', message: `enterpriseId: no enterprise ${body.enterpriseId}` });
      case 'recorded': {
        const now = this.clock.now();
        const answer = { ...renderInspection(result.inspection), hazards: result.hazards.map((h) => renderHazard(h, now)) };
        auditChange(req, { entityId: result.inspection.id, before: null, after: answer });
        return answer;
      }
    }
  }

  @Get('inspections')
  @EnterpriseScoped()
  @ApiOperation({ summary: 'Inspections, newest first, each with the ids of the hazards it found' })
  @ApiResult(inspection, { isArray: true })
  @ApiErrors({ 400: 'an invalid filter, limit or offset' })
  async list(@ZodQuery(inspectionListQuery) q: z.output<typeof inspectionListQuery>, @Req() req: AuthenticatedRequest) {
    const enterpriseId = enterpriseFilter(req.principal, q.enterpriseId);
    const records = await this.inspections.listInspections({ enterpriseId, limit: q.limit, offset: q.offset });
    return records.map(renderInspection);
  }
}
