import { ConflictException, Controller, Get, HttpCode, NotFoundException, Param, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import { randomUUID } from 'node:crypto';
import { DeadLettersRepository } from '@app/storage';
import { AcknowledgeAlarm } from '../alarm-handling/acknowledge-alarm';
import type { AlarmHandlingCommand } from '../alarm-handling/alarm-handling.command';
import type { AlarmHandlingOutcome } from '../alarm-handling/alarm-handling.outcome';
import { AssignAlarm } from '../alarm-handling/assign-alarm';
import { CommentOnAlarm } from '../alarm-handling/comment-on-alarm';
import { Audited, AuditedRequest, auditChange } from '../audit/audited';
import { Authenticated, AuthenticatedRequest, EnterpriseScoped, enterpriseFilter, ownEnterprise, Roles } from '../auth/auth.guard';
import { ApiErrors, ApiResult, PAGE_HEADERS, ZodBody, ZodQuery } from '../openapi/api-docs.decorators';
import { AlarmViews, HandledAlarmView } from './alarm-views';
import { offerNextPage } from './pagination';
import {
  AlarmAcknowledgeBody,
  alarmAcknowledgeBody,
  AlarmAssignBody,
  alarmAssignBody,
  AlarmCommentBody,
  alarmCommentBody,
  alarmListQuery,
  deadLetterListQuery,
} from './query-schemas';
import { deadLetter, deadLetterStats, handledAlarm } from './response-schemas';

const HANDLING_ERRORS = { 400: 'an invalid body', 403: 'not an operator token', 404: 'no such alarm' } as const;

@Controller('api')
@Authenticated()
export class AlarmsController {
  constructor(
    private readonly views: AlarmViews,
    private readonly deadLetters: DeadLettersRepository,
    private readonly acknowledgeAlarm: AcknowledgeAlarm,
    private readonly commentOnAlarm: CommentOnAlarm,
    private readonly assignAlarm: AssignAlarm,
  ) {}

  @Get('alarms')
  @EnterpriseScoped()
  @ApiTags('alarms')
  @ApiOperation({
    summary: 'Alarms, newest raised first, each with its acknowledgement, assignee and comments',
    description: "An enterprise token gets its own enterprise's alarms only (enterpriseId defaults to it).",
  })
  @ApiResult(handledAlarm, { isArray: true, headers: PAGE_HEADERS })
  @ApiErrors({ 400: 'an invalid filter, limit, offset or cursor' })
  async list(@ZodQuery(alarmListQuery) q: z.output<typeof alarmListQuery>, @Req() req: AuthenticatedRequest) {
    const { cursor, class: signalClass, ...filter } = q;
    const views = await this.views.list({
      ...filter,
      signalClass,
      enterpriseId: enterpriseFilter(req.principal, filter.enterpriseId),
      after: cursor && { raisedAt: cursor.at, id: cursor.id },
    });
    offerNextPage(req, views, q.limit, (a) => ({ at: a.raisedAt, id: a.id }));
    return views;
  }

  @Get('alarms/:id')
  @EnterpriseScoped()
  @ApiTags('alarms')
  @ApiOperation({ summary: 'One alarm, with its acknowledgement, assignee and comments' })
  @ApiResult(handledAlarm)
  @ApiErrors({ 404: 'no such alarm' })
  async get(@Param('id') id: string, @Req() req: AuthenticatedRequest) {
    const alarm = await this.views.find(id);
    ownEnterprise(req.principal, alarm?.enterpriseId);
    return found(id, alarm);
  }

  @Post('alarms/:id/acknowledge')
  @HttpCode(200)
  @Roles('operator')
  @Audited('alarm', 'alarm.acknowledge')
  @ApiTags('alarms')
  @ApiOperation({
    summary: 'Acknowledge an alarm, with an optional note',
    description:
      'Once: a second acknowledgement is refused with 409 ALREADY_DONE and changes nothing. A cleared alarm can be acknowledged. ' +
      'The note becomes a comment of kind acknowledge. The acknowledgement and comments survive the risk engine updating and clearing the alarm.',
  })
  @ApiResult(handledAlarm, { description: 'the alarm, acknowledged' })
  @ApiErrors({ ...HANDLING_ERRORS, 409: 'ALREADY_DONE: acknowledged before' })
  acknowledge(@Param('id') id: string, @ZodBody(alarmAcknowledgeBody) body: AlarmAcknowledgeBody, @Req() req: AuthenticatedRequest) {
    return this.handle(id, req, (command) => this.acknowledgeAlarm.execute({ ...command, note: body.note ?? null }));
  }

  @Post('alarms/:id/comments')
  @HttpCode(201)
  @Roles('operator')
  @Audited('alarm', 'alarm.comment')
  @ApiTags('alarms')
  @ApiOperation({ summary: 'Comment on an alarm, open or cleared' })
  @ApiResult(handledAlarm, { status: 201, description: 'the alarm with the comment appended' })
  @ApiErrors(HANDLING_ERRORS)
  comment(@Param('id') id: string, @ZodBody(alarmCommentBody) body: AlarmCommentBody, @Req() req: AuthenticatedRequest) {
    return this.handle(id, req, (command) => this.commentOnAlarm.execute({ ...command, text: body.text }));
  }

  @Post('alarms/:id/assign')
  @HttpCode(200)
  @Roles('operator')
  @Audited('alarm', 'alarm.assign')
  @ApiTags('alarms')
  @ApiOperation({ summary: 'Assign an alarm to someone (free text); assigning again replaces the assignee' })
  @ApiResult(handledAlarm, { description: 'the alarm with its assignee' })
  @ApiErrors(HANDLING_ERRORS)
  assign(@Param('id') id: string, @ZodBody(alarmAssignBody) body: AlarmAssignBody, @Req() req: AuthenticatedRequest) {
    return this.handle(id, req, (command) => this.assignAlarm.execute({ ...command, to: body.to }));
  }

  private async handle(
    alarmId: string,
    req: AuthenticatedRequest,
    execute: (command: AlarmHandlingCommand) => Promise<AlarmHandlingOutcome>,
  ): Promise<HandledAlarmView> {
    const before = found(alarmId, await this.views.find(alarmId));
    const correlationId = (req as AuditedRequest).correlationId ?? randomUUID();
    const result = await execute({ alarmId, by: req.principal.name, correlationId });
    if (result.outcome === 'missing') throw new NotFoundException(`alarm ${alarmId} not found`);
    if (result.outcome === 'done')
      throw new ConflictException({ code: 'ALREADY_DONE', message: `alarm ${alarmId} is already acknowledged` });
    auditChange(req, { entityId: alarmId, before, after: result.alarm });
    return result.alarm;
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

function found(id: string, view: HandledAlarmView | null): HandledAlarmView {
  if (!view) throw new NotFoundException(`alarm ${id} not found`);
  return view;
}
