import { Controller, Get, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import { MaintenanceListRepository } from '@app/storage';
import { Authenticated } from '../auth/auth.guard';
import { ApiErrors, ApiResult, PAGE_HEADERS, ZodQuery } from '../openapi/api-docs.decorators';
import { offerNextPage } from './pagination';
import { maintenanceListQuery } from './query-schemas';
import { maintenanceItem } from './response-schemas';

type MaintenanceItemView = z.output<typeof maintenanceItem>;

@Controller('api/maintenance')
@ApiTags('alarms')
@Authenticated()
export class MaintenanceController {
  constructor(private readonly maintenance: MaintenanceListRepository) {}

  @Get()
  @ApiOperation({
    summary: 'The maintenance list: every open fault (device fault, low battery, offline), longest-standing first',
    description:
      'Alarms of class fault never dispatch a crew; this is where they are worked off. An item leaves the list when its fault clears.',
  })
  @ApiResult(maintenanceItem, { isArray: true, headers: PAGE_HEADERS })
  @ApiErrors({ 400: 'an invalid filter, limit, offset or cursor' })
  async list(
    @ZodQuery(maintenanceListQuery) q: z.output<typeof maintenanceListQuery>,
    @Req() req: Request,
  ): Promise<MaintenanceItemView[]> {
    const { cursor, ...filter } = q;
    const items = await this.maintenance.list({ ...filter, after: cursor && { since: cursor.at, alarmId: cursor.id } });
    const views = items.map((i): MaintenanceItemView => ({
      alarmId: i.alarmId,
      deviceId: i.deviceId,
      deviceType: i.deviceType,
      enterpriseId: i.enterpriseId,
      enterpriseName: i.enterpriseName,
      substationId: i.substationId,
      ruleId: i.ruleId,
      metric: i.metric,
      grade: i.grade,
      what: i.message,
      since: i.since.toISOString(),
      updatedAt: i.updatedAt.toISOString(),
      occurrences: i.occurrences,
      test: i.test,
    }));
    offerNextPage(req, views, q.limit, (v) => ({ at: v.since, id: v.alarmId }));
    return views;
  }
}
