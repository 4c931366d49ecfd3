import { Controller, Get, NotFoundException, Param, Query, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { AlarmsRepository, DeadLettersRepository } from '@app/storage';
import { AuthGuard } from '../auth/auth.guard';
import { offerNextPage } from './pagination';
import { alarmListQuery, deadLetterListQuery } from './query-schemas';
import { ZodPipe } from './zod-query.pipe';

@Controller('api')
@UseGuards(AuthGuard)
export class AlarmsController {
  constructor(
    private readonly alarms: AlarmsRepository,
    private readonly deadLetters: DeadLettersRepository,
  ) {}

  @Get('alarms')
  async list(@Query(new ZodPipe(alarmListQuery)) q: ReturnType<typeof alarmListQuery.parse>, @Req() req: Request) {
    const { cursor, ...filter } = q;
    const alarms = await this.alarms.list({ ...filter, after: cursor && { raisedAt: cursor.at, id: cursor.id } });
    offerNextPage(req, alarms, q.limit, (a) => ({ at: a.raisedAt.toISOString(), id: a.id }));
    return alarms;
  }

  @Get('alarms/:id')
  async get(@Param('id') id: string) {
    const alarm = await this.alarms.get(id);
    if (!alarm) throw new NotFoundException(`alarm ${id} not found`);
    return alarm;
  }

  @Get('dead-letters')
  async listDeadLetters(@Query(new ZodPipe(deadLetterListQuery)) q: ReturnType<typeof deadLetterListQuery.parse>, @Req() req: Request) {
    const { cursor, ...filter } = q;
    const letters = await this.deadLetters.list({ ...filter, after: cursor && { receivedAt: cursor.at, id: cursor.id } });
    offerNextPage(req, letters, q.limit, (d) => ({ at: d.receivedAt.toISOString(), id: d.id }));
    return letters;
  }

  @Get('dead-letters/stats')
  async deadLetterStats() {
    return { byReason: await this.deadLetters.countByReason() };
  }
}
