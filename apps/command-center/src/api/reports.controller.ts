import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CLOCK } from '@app/config';
import { Clock } from '@app/domain';
import { ComplianceReportRepository } from '@app/storage';
import { Authenticated } from '../auth/auth.guard';
import { ApiErrors, ApiResult, ZodQuery } from '../openapi/api-docs.decorators';
import { complianceQuery } from './query-schemas';
import { complianceReport } from './response-schemas';

const DAY_MS = 86_400_000;

@Controller('api/reports')
@ApiTags('reports')
@Authenticated()
export class ReportsController {
  constructor(
    private readonly reports: ComplianceReportRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('timeline-compliance')
  @ApiOperation({
    summary: '1-3-5 compliance per substation and for the zone; by default over the last 30 days',
    description:
      'Per milestone: the share met (of decided milestones only) and p50/p90 seconds from dispatch; meets90 is the NFPA 1710 reading.',
  })
  @ApiResult(complianceReport)
  @ApiErrors({ 400: 'an invalid from, to or substation' })
  compliance(@ZodQuery(complianceQuery) q: z.output<typeof complianceQuery>) {
    const now = new Date(this.clock.now());
    const to = q.to ?? now;
    const from = q.from ?? new Date(to.getTime() - 30 * DAY_MS);
    return this.reports.report(from, to, now, q.substation);
  }
}
