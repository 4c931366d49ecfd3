import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { CLOCK } from '@app/config';
import { Clock } from '@app/domain';
import { ComplianceReportRepository } from '@app/storage';
import { AuthGuard } from '../auth/auth.guard';
import { complianceQuery } from './query-schemas';
import { ZodPipe } from './zod-query.pipe';

const DAY_MS = 86_400_000;

@Controller('api/reports')
@UseGuards(AuthGuard)
export class ReportsController {
  constructor(
    private readonly reports: ComplianceReportRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** 1-3-5 compliance per substation and for the zone; defaults to the last 30 days. */
  @Get('timeline-compliance')
  compliance(@Query(new ZodPipe(complianceQuery)) q: z.infer<typeof complianceQuery>) {
    const now = new Date(this.clock.now());
    const to = q.to ?? now;
    const from = q.from ?? new Date(to.getTime() - 30 * DAY_MS);
    return this.reports.report(from, to, now, q.substation);
  }
}
