import {
  BadRequestException,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Req,
  UnprocessableEntityException,
} from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { CLOCK } from '@app/config';
import type { Clock } from '@app/domain';
import { CampaignsRepository, type CampaignRecord } from '@app/storage';
import { Audited, auditChange } from '../audit/audited';
import { Authenticated, AuthenticatedRequest, Roles } from '../auth/auth.guard';
import { ApiErrors, ApiResult, ZodBody, ZodQuery } from '../openapi/api-docs.decorators';
import { campaign, CampaignBody, campaignBody, campaignListQuery, campaignProgress } from './campaign-schemas';
import { CreateCampaign } from './create-campaign';

function renderCampaign(c: CampaignRecord): z.input<typeof campaign> {
  return {
    id: c.id,
    name: c.name,
    until: c.until.toISOString(),
    createdBy: c.createdBy,
    createdAt: c.createdAt.toISOString(),
    enterpriseIds: c.enterpriseIds,
  };
}

/**
 * Inspection campaigns (专项检查): a set of enterprises to inspect until a date. An enterprise counts as inspected
 * when an inspection names the campaign (POST /api/inspections with its campaignId), not by any inspection in the
 * window, so a routine visit is not mistaken for the campaign's.
 */
@Controller('api/campaigns')
@ApiTags('inspections')
@Authenticated()
export class CampaignsController {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly campaigns: CampaignsRepository,
    private readonly createCampaign: CreateCampaign,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles('inspector', 'operator')
  @Audited('campaign', 'campaign.create')
  @ApiOperation({ summary: 'Start a campaign over enterprises named, or over every active enterprise of a substation’s area as it is now' })
  @ApiResult(campaign, { status: 201 })
  @ApiErrors({
    400: 'an invalid body (exactly one of enterpriseIds and substationId), an until not after now (UNTIL_IN_PAST)',
    422: 'UNKNOWN_ENTERPRISE (details name them), UNKNOWN_SUBSTATION, NO_ENTERPRISES (the substation’s area holds none)',
  })
  async create(@ZodBody(campaignBody) body: CampaignBody, @Req() req: AuthenticatedRequest) {
    const result = await this.createCampaign.execute({
      name: body.name,
      until: body.until,
      createdBy: req.principal.name,
      scope: body.substationId !== undefined ? { substationId: body.substationId } : { enterpriseIds: body.enterpriseIds ?? [] },
    });
    if ('created' in result) {
      const answer = renderCampaign(result.created);
      auditChange(req, { entityId: answer.id, before: null, after: answer });
      return answer;
    }
    switch (result.refused) {
      case 'until-in-past':
        throw new BadRequestException({ code: 'UNTIL_IN_PAST', message: 'until: a campaign ends after now' });
      case 'unknown-enterprises':
        throw new UnprocessableEntityException({
          code: 'UNKNOWN_ENTERPRISE',
          message: `enterpriseIds: no enterprise ${result.enterpriseIds.join(', ')}`,
          details: result.enterpriseIds.map((id) => ({ path: 'enterpriseIds', message: `no enterprise ${id}` })),
        });
      case 'unknown-substation':
        throw new UnprocessableEntityException({ code: 'UNKNOWN_SUBSTATION', message: `substationId: no substation ${body.substationId}` });
      case 'no-enterprises':
        throw new UnprocessableEntityException({
          code: 'NO_ENTERPRISES',
          message: `substationId: no active enterprise in ${body.substationId}'s area`,
        });
    }
  }

  @Get()
  @ApiOperation({ summary: 'Campaigns, newest first' })
  @ApiResult(campaign, { isArray: true })
  async list(@ZodQuery(campaignListQuery) q: z.output<typeof campaignListQuery>) {
    return (await this.campaigns.list(q.limit, q.offset)).map(renderCampaign);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'A campaign’s progress, in total and per enterprise: inspected, findings, rectified, verified, overdue now',
  })
  @ApiResult(campaignProgress)
  @ApiErrors({ 404: 'CAMPAIGN_NOT_FOUND' })
  async get(@Param('id') id: string) {
    const progress = await this.campaigns.progress(id, this.clock.now());
    if (!progress) throw new NotFoundException({ code: 'CAMPAIGN_NOT_FOUND', message: `no campaign ${id}` });
    return { ...renderCampaign(progress), total: progress.total, enterprises: progress.enterprises };
  }
}
