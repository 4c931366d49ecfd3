import { BadRequestException, Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CLOCK } from '@app/config';
import { Clock } from '@app/domain';
import { ComplianceReportRepository, FalseAlarmReportRepository, HazardReportRepository } from '@app/storage';
import { Authenticated } from '../auth/auth.guard';
import { hazardReport, hazardReportQuery } from '../inspections/campaign-schemas';
import { ApiErrors, ApiResult, ZodQuery } from '../openapi/api-docs.decorators';
import { complianceQuery, falseAlarmReportQuery } from './query-schemas';
import { complianceReport, falseAlarmReport } from './response-schemas';

const DAY_MS = 86_400_000;

@Controller('api/reports')
@ApiTags('reports')
@Authenticated()
export class ReportsController {
  constructor(
    private readonly reports: ComplianceReportRepository,
    private readonly falseAlarms: FalseAlarmReportRepository,
    private readonly hazards: HazardReportRepository,
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
    const { from, to, now } = this.period(q);
    return this.reports.report(from, to, now, q.substation);
  }

  @Get('false-alarms')
  @ApiOperation({
    summary: 'False alarms per enterprise, device, device type or substation; by default over the last 30 days',
    description:
      'Over the incidents resolved in [from, to): how many, how many were false alarms, the rate (tests excluded) and the causes; ' +
      'the device of an incident is the device of the alarm that opened it. Most false alarms first.',
  })
  @ApiResult(falseAlarmReport)
  @ApiErrors({ 400: 'VALIDATION_FAILED: an invalid from, to or groupBy, or from not before to' })
  falseAlarmReport(@ZodQuery(falseAlarmReportQuery) q: z.output<typeof falseAlarmReportQuery>) {
    const { from, to } = this.period(q);
    // The schema compares the two only when both are given; a from alone can still lie after now.
    if (from >= to)
      throw new BadRequestException({
        code: 'VALIDATION_FAILED',
        message: 'from: from must be before to',
        details: [{ path: 'from', message: 'from must be before to' }],
      });
    return this.falseAlarms.report(from, to, q.groupBy);
  }

  @Get('hazards')
  @ApiOperation({
    summary: 'Hazards found and dealt with per substation, enterprise or hazard kind; by default over the last 30 days',
    description:
      'Over [from, to): hazards opened, rectifications, passed re-inspections; of the hazards opened in the period the share that went ' +
      'past a deadline unrectified at least once (as things stand now) and the median days to their first rectification; passed ' +
      're-inspections over all re-inspections. A hazard counts in the substation whose area holds its enterprise now.',
  })
  @ApiResult(hazardReport)
  @ApiErrors({ 400: 'VALIDATION_FAILED: an invalid from, to or groupBy, or from not before to' })
  hazardReport(@ZodQuery(hazardReportQuery) q: z.output<typeof hazardReportQuery>) {
    const { from, to, now } = this.period(q);
    if (from >= to)
      throw new BadRequestException({
        code: 'VALIDATION_FAILED',
        message: 'from: from must be before to',
        details: [{ path: 'from', message: 'from must be before to' }],
      });
    return this.hazards.report(from, to, q.groupBy, now);
  }

  /** A report's period: to defaults to now, from to 30 days before to. */
  private period(q: { from?: Date; to?: Date }): { from: Date; to: Date; now: Date } {
    const now = new Date(this.clock.now());
    const to = q.to ?? now;
    return { from: q.from ?? new Date(to.getTime() - 30 * DAY_MS), to, now };
  }
}
