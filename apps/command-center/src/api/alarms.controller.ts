import { Controller, Get, NotFoundException, Param, Query, UseGuards } from '@nestjs/common';
import { AlarmsRepository, DeadLettersRepository } from '@app/storage';
import { AuthGuard } from '../auth/auth.guard';
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
  list(@Query(new ZodPipe(alarmListQuery)) q: ReturnType<typeof alarmListQuery.parse>) {
    return this.alarms.list(q);
  }

  @Get('alarms/:id')
  async get(@Param('id') id: string) {
    const alarm = await this.alarms.get(id);
    if (!alarm) throw new NotFoundException(`alarm ${id} not found`);
    return alarm;
  }

  @Get('dead-letters')
  listDeadLetters(@Query(new ZodPipe(deadLetterListQuery)) q: ReturnType<typeof deadLetterListQuery.parse>) {
    return this.deadLetters.list(q);
  }

  @Get('dead-letters/stats')
  async deadLetterStats() {
    return { byReason: await this.deadLetters.countByReason() };
  }
}
