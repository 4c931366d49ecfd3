import { Inject, Injectable } from '@nestjs/common';
import { CLOCK } from '@app/config';
import type { Clock } from '@app/domain';
import { AlarmHandlingRepository } from '@app/storage';
import { AlarmViews } from '../api/alarm-views';
import { AlarmHandledPublisher } from './alarm-handled.publisher';
import type { AlarmHandlingCommand } from './alarm-handling.command';
import type { AlarmHandlingOutcome } from './alarm-handling.outcome';
import { afterHandling } from './handle-alarm';

/** Who follows the alarm up; assigning again replaces the assignee (the audit keeps every assignment). */
@Injectable()
export class AssignAlarm {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly handling: AlarmHandlingRepository,
    private readonly views: AlarmViews,
    private readonly publisher: AlarmHandledPublisher,
  ) {}

  async execute(command: AlarmHandlingCommand & { to: string }): Promise<AlarmHandlingOutcome> {
    const at = this.clock.now();
    const change = await this.handling.assign(command.alarmId, at, command.by, command.to);
    return afterHandling(this.views, this.publisher, 'alarm.assigned', command, at, change);
  }
}
