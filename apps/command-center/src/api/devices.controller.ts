import { Controller, Get, Inject, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import { CLOCK } from '@app/config';
import { Clock } from '@app/domain';
import { DeviceListRepository, OperatingModesRepository } from '@app/storage';
import { Authenticated } from '../auth/auth.guard';
import { renderOperatingMode } from '../operating-modes/operating-mode-view';
import { ApiErrors, ApiResult, PAGE_HEADERS, ZodQuery } from '../openapi/api-docs.decorators';
import { offerNextPage } from './pagination';
import { deviceListQuery } from './query-schemas';
import { devicePage } from './response-schemas';

@Controller('api')
@Authenticated()
export class DevicesController {
  constructor(
    private readonly devices: DeviceListRepository,
    private readonly modes: OperatingModesRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('devices')
  @ApiTags('devices')
  @ApiOperation({ summary: 'Devices of the register in id order, retired ones too, with their presence; q finds them by id prefix' })
  @ApiResult(devicePage, { headers: PAGE_HEADERS })
  @ApiErrors({ 400: 'an invalid filter (an unknown type, say), limit, offset or cursor' })
  async list(@ZodQuery(deviceListQuery) query: z.output<typeof deviceListQuery>, @Req() req: Request) {
    const { cursor, q, ...filter } = query;
    const { total, items: listed } = await this.devices.list({ ...filter, idPrefix: q, afterId: cursor?.id });
    const modes = await this.modes.of(
      'device',
      listed.map((d) => d.id),
    );
    const now = this.clock.now();
    const items = listed.map((d) => ({ ...d, mode: renderOperatingMode(modes.get(d.id), now) }));
    offerNextPage(req, items, query.limit, (d) => ({ id: d.id }));
    return { total, limit: query.limit, offset: query.offset, items };
  }
}
