import { Controller, Get, Header, HttpCode, Inject, NotFoundException, Param, Post, Req, StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { CLOCK } from '@app/config';
import { Clock, EVIDENCE_TYPES } from '@app/domain';
import { InspectionsRepository, type HazardRecord } from '@app/storage';
import { Audited, AuditedRequest, auditChange } from '../audit/audited';
import { Authenticated, AuthenticatedRequest, EnterpriseScoped, enterpriseFilter, ownEnterprise, Roles } from '../auth/auth.guard';
import { ApiErrors, ApiResult, ZodBody, ZodQuery } from '../openapi/api-docs.decorators';
import { AddHazardEvidence } from './add-hazard-evidence';
import type { HazardChangeOutcome } from './change-hazard';
import type { HazardCommand } from './hazard-command';
import { renderEvidence, renderHazard, renderHazardDetail } from './hazard-views';
import {
  evidence,
  EvidenceBody,
  evidenceBody,
  EVIDENCE_RULES,
  hazard,
  hazardDetail,
  hazardListQuery,
  RectifyBody,
  rectifyBody,
  VerifyBody,
  verifyBody,
} from './inspection-schemas';
import { ReinspectHazard } from './reinspect-hazard';
import { RectifyHazard } from './rectify-hazard';

const EVIDENCE_ERRORS = { 413: 'EVIDENCE_TOO_LARGE', 415: 'EVIDENCE_TYPE_REFUSED' } as const;
const NOT_FOUND = { 404: 'HAZARD_NOT_FOUND' } as const;

/**
 * Hazards found by inspections and what became of them: rectified by the enterprise, re-inspected (回头看) by an
 * inspector. An enterprise token sees and rectifies only its own enterprise's; any other hazard, existing or
 * not, is 403 OTHER_ENTERPRISE to it.
 */
@Controller('api/hazards')
@ApiTags('inspections')
@Authenticated()
export class HazardsController {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly inspections: InspectionsRepository,
    private readonly rectifyHazard: RectifyHazard,
    private readonly reinspectHazard: ReinspectHazard,
    private readonly addHazardEvidence: AddHazardEvidence,
  ) {}

  @Get()
  @EnterpriseScoped()
  @ApiOperation({
    summary: 'Hazards, soonest due first',
    description:
      "A substation's lists: ?substationId=S&status=rectified are its re-inspections due (rectified, awaiting verification), " +
      '?substationId=S&overdue=true its rectifications overdue.',
  })
  @ApiResult(hazard, { isArray: true })
  @ApiErrors({ 400: 'an invalid filter, limit or offset' })
  async list(@ZodQuery(hazardListQuery) q: z.output<typeof hazardListQuery>, @Req() req: AuthenticatedRequest) {
    const now = this.clock.now();
    const records = await this.inspections.list({
      enterpriseId: enterpriseFilter(req.principal, q.enterpriseId),
      substationId: q.substationId,
      status: q.status,
      overdue: q.overdue,
      now,
      limit: q.limit,
      offset: q.offset,
    });
    return records.map((h) => renderHazard(h, now));
  }

  @Get(':id')
  @EnterpriseScoped()
  @ApiOperation({ summary: 'One hazard with its history (every transition, who and why) and its evidence (without the bytes)' })
  @ApiResult(hazardDetail)
  @ApiErrors(NOT_FOUND)
  async get(@Param('id') id: string, @Req() req: AuthenticatedRequest) {
    const detail = await this.inspections.detail(id);
    ownEnterprise(req.principal, detail?.enterpriseId);
    if (!detail) throw notFound(id);
    return renderHazardDetail(detail, this.clock.now());
  }

  @Post(':id/rectify')
  @HttpCode(200)
  @Roles('enterprise', 'operator')
  @Audited('hazard', 'hazard.rectify')
  @ApiOperation({
    summary: 'Record that the hazard is rectified, with what was done and evidence; it then awaits its re-inspection',
    description: `An open or reopened hazard only: 409 ALREADY_RECTIFIED, ALREADY_VERIFIED otherwise. The hazard still counts in the grade until verified. ${EVIDENCE_RULES}`,
  })
  @ApiResult(hazard, { description: 'the hazard, rectified' })
  @ApiErrors({ 400: 'an invalid body', ...NOT_FOUND, 409: 'ALREADY_RECTIFIED, ALREADY_VERIFIED', ...EVIDENCE_ERRORS })
  async rectify(@Param('id') id: string, @ZodBody(rectifyBody) body: RectifyBody, @Req() req: AuthenticatedRequest) {
    return this.change(id, req, (command) =>
      this.rectifyHazard.execute({ ...command, hazardId: id, note: body.note, evidence: body.evidence ?? [] }),
    );
  }

  @Post(':id/verify')
  @HttpCode(200)
  @Roles('inspector', 'operator')
  @Audited('hazard', 'hazard.verify')
  @ApiOperation({
    summary: 'The re-inspection (回头看) of a rectified hazard: passed verifies it, failed reopens it with a new deadline from the policy',
    description: `A rectified hazard only: 409 VERIFY_NOT_RECTIFIED, ALREADY_VERIFIED otherwise. A verified hazard no longer counts in the grade. ${EVIDENCE_RULES}`,
  })
  @ApiResult(hazard, { description: 'the hazard, verified or reopened' })
  @ApiErrors({ 400: 'an invalid body', ...NOT_FOUND, 409: 'VERIFY_NOT_RECTIFIED, ALREADY_VERIFIED', ...EVIDENCE_ERRORS })
  async verify(@Param('id') id: string, @ZodBody(verifyBody) body: VerifyBody, @Req() req: AuthenticatedRequest) {
    return this.change(id, req, (command) =>
      this.reinspectHazard.execute({
        ...command,
        hazardId: id,
        passed: body.passed,
        note: body.note ?? null,
        evidence: body.evidence ?? [],
      }),
    );
  }

  @Post(':id/evidence')
  @HttpCode(201)
  @Roles('enterprise', 'inspector', 'operator')
  @Audited('hazard', 'hazard.evidence')
  @ApiOperation({
    summary: 'Add evidence to a hazard in any state (JSON, each file base64); its state and grade stay',
    description: EVIDENCE_RULES,
  })
  @ApiResult(evidence, { status: 201, isArray: true, description: 'the files added' })
  @ApiErrors({ 400: 'an invalid body, TOO_MANY_EVIDENCE_FILES', ...NOT_FOUND, ...EVIDENCE_ERRORS })
  async addEvidence(@Param('id') id: string, @ZodBody(evidenceBody) body: EvidenceBody, @Req() req: AuthenticatedRequest) {
    const before = await this.found(id, req);
    const added = await this.addHazardEvidence.execute({ ...this.command(req), hazardId: id, evidence: body.evidence });
    if (!added) throw notFound(id);
    const answer = added.map((e) => renderEvidence(id, e));
    auditChange(req, { entityId: id, before: renderHazard(before, this.clock.now()), after: { evidenceAdded: answer } });
    return answer;
  }

  @Get(':id/evidence/:evidenceId')
  @EnterpriseScoped()
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Content-Security-Policy', "sandbox; default-src 'none'")
  @ApiOperation({ summary: 'One evidence file, as it was sent' })
  @ApiResponse({
    status: 200,
    description: 'the file',
    content: Object.fromEntries(EVIDENCE_TYPES.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])),
  })
  @ApiErrors({ 404: 'HAZARD_NOT_FOUND, EVIDENCE_NOT_FOUND' })
  async evidenceFile(@Param('id') id: string, @Param('evidenceId') evidenceId: string, @Req() req: AuthenticatedRequest) {
    await this.found(id, req);
    const file = await this.inspections.evidenceFile(id, evidenceId);
    if (!file) throw new NotFoundException({ code: 'EVIDENCE_NOT_FOUND', message: `hazard ${id} has no evidence ${evidenceId}` });
    return new StreamableFile(file.data, {
      type: file.contentType,
      length: file.sizeBytes,
      disposition: `inline; filename="${file.name.replace(/[^\w.-]/g, '_')}"`,
    });
  }

  /** The hazard, refused to an enterprise token of another enterprise before anything else is said of it. */
  private async found(id: string, req: AuthenticatedRequest): Promise<HazardRecord> {
    const record = await this.inspections.find(id);
    ownEnterprise(req.principal, record?.enterpriseId);
    if (!record) throw notFound(id);
    return record;
  }

  private command(req: AuthenticatedRequest): HazardCommand {
    const { tokenId, name, role } = req.principal;
    return { actor: { tokenId, name, role }, correlationId: (req as AuditedRequest).correlationId ?? randomUUID() };
  }

  private async change(id: string, req: AuthenticatedRequest, execute: (command: HazardCommand) => Promise<HazardChangeOutcome>) {
    const before = await this.found(id, req);
    const result = await execute(this.command(req));
    if (result.outcome === 'missing') throw notFound(id);
    const now = this.clock.now();
    const after = renderHazard(result.hazard, now);
    auditChange(req, { entityId: id, before: renderHazard(before, now), after });
    return after;
  }
}

function notFound(id: string): NotFoundException {
  return new NotFoundException({ code: 'HAZARD_NOT_FOUND', message: `hazard ${id} not found` });
}
