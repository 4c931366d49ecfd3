import { Inject, Injectable } from '@nestjs/common';
import { CLOCK } from '@app/config';
import type { Clock } from '@app/domain';
import { AlarmHandlingRepository } from '@app/storage';
import { AlarmViews } from '../api/alarm-views';
import { AlarmHandledPublisher } from './alarm-handled.publisher';
import type { AlarmHandlingCommand } from './alarm-handling.command';
import type { AlarmHandlingOutcome } from './alarm-handling.outcome';
import { afterHandling } from './handle-alarm';

/** An operator has seen the alarm. Once only: a second acknowledgement is `done` and changes nothing. */
@Injectable()
export class AcknowledgeAlarm {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly handling: AlarmHandlingRepository,
    private readonly views: AlarmViews,
    private readonly publisher: AlarmHandledPublisher,
  ) {}

  async execute(command: AlarmHandlingCommand & { note: string | null }): Promise<AlarmHandlingOutcome> {
    const at = this.clock.now();
    const change = await this.handling.acknowledge(command.alarmId, at, command.by, command.note);
    return afterHandling(this.views, this.publisher, 'alarm.acknowledged', command, at, change);
  }
}
