import { Inject, Injectable } from '@nestjs/common';
import { CLOCK } from '@app/config';
import type { Clock } from '@app/domain';
import { AlarmHandlingRepository } from '@app/storage';
import { AlarmViews } from '../api/alarm-views';
import { AlarmHandledPublisher } from './alarm-handled.publisher';
import type { AlarmHandlingCommand } from './alarm-handling.command';
import type { AlarmHandlingOutcome } from './alarm-handling.outcome';
import { afterHandling } from './handle-alarm';

/** An operator's comment on an alarm, open or cleared, appended to its comments. */
@Injectable()
export class CommentOnAlarm {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly handling: AlarmHandlingRepository,
    private readonly views: AlarmViews,
    private readonly publisher: AlarmHandledPublisher,
  ) {}

  async execute(command: AlarmHandlingCommand & { text: string }): Promise<AlarmHandlingOutcome> {
    const at = this.clock.now();
    const change = await this.handling.comment(command.alarmId, at, command.by, command.text);
    return afterHandling(this.views, this.publisher, 'alarm.commented', command, at, change);
  }
}
