import { Controller, Get, NotFoundException, Param, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import { AlarmsRepository, DeadLettersRepository } from '@app/storage';
import { Authenticated } from '../auth/auth.guard';
import { ApiErrors, ApiResult, PAGE_HEADERS, ZodQuery } from '../openapi/api-docs.decorators';
import { offerNextPage } from './pagination';
import { alarmListQuery, deadLetterListQuery } from './query-schemas';
import { alarm, deadLetter, deadLetterStats } from './response-schemas';

@Controller('api')
@Authenticated()
export class AlarmsController {
  constructor(
    private readonly alarms: AlarmsRepository,
    private readonly deadLetters: DeadLettersRepository,
  ) {}

  @Get('alarms')
  @ApiTags('alarms')
  @ApiOperation({ summary: 'Alarms, newest raised first' })
  @ApiResult(alarm, { isArray: true, headers: PAGE_HEADERS })
  @ApiErrors({ 400: 'an invalid filter, limit, offset or cursor' })
  async list(@ZodQuery(alarmListQuery) q: z.output<typeof alarmListQuery>, @Req() req: Request) {
    const { cursor, ...filter } = q;
    const alarms = await this.alarms.list({ ...filter, after: cursor && { raisedAt: cursor.at, id: cursor.id } });
    offerNextPage(req, alarms, q.limit, (a) => ({ at: a.raisedAt.toISOString(), id: a.id }));
    return alarms;
  }

  @Get('alarms/:id')
  @ApiTags('alarms')
  @ApiOperation({ summary: 'One alarm' })
  @ApiResult(alarm)
  @ApiErrors({ 404: 'no such alarm' })
  async get(@Param('id') id: string) {
    const found = await this.alarms.get(id);
    if (!found) throw new NotFoundException(`alarm ${id} not found`);
    return found;
  }

  @Get('dead-letters')
  @ApiTags('dead letters')
  @ApiOperation({ summary: 'What was refused at a boundary (MQTT or the bus), with the reason; newest first' })
  @ApiResult(deadLetter, { isArray: true, headers: PAGE_HEADERS })
  @ApiErrors({ 400: 'an invalid filter, limit, offset or cursor' })
  async listDeadLetters(@ZodQuery(deadLetterListQuery) q: z.output<typeof deadLetterListQuery>, @Req() req: Request) {
    const { cursor, ...filter } = q;
    const letters = await this.deadLetters.list({ ...filter, after: cursor && { receivedAt: cursor.at, id: cursor.id } });
    offerNextPage(req, letters, q.limit, (d) => ({ at: d.receivedAt.toISOString(), id: d.id }));
    return letters;
  }

  @Get('dead-letters/stats')
  @ApiTags('dead letters')
  @ApiOperation({ summary: 'Dead letters counted by reason' })
  @ApiResult(deadLetterStats)
  async deadLetterStats() {
    return { byReason: await this.deadLetters.countByReason() };
  }
}
