import { Inject, Injectable } from '@nestjs/common';
import { AlarmHandledV1, Topics } from '@app/contracts';
import type { AlarmHandling } from '@app/storage';
import { Bus, BUS } from '@app/transport';
import { handlingMessage } from '../api/alarm-views';
import type { AlarmHandlingCommand } from './alarm-handling.command';

/** Tells every command center (and so every dashboard) that an alarm was handled: alarm-handling.v1. */
@Injectable()
export class AlarmHandledPublisher {
  constructor(@Inject(BUS) private readonly bus: Bus) {}

  publish(type: AlarmHandledV1['type'], command: AlarmHandlingCommand, enterpriseId: string, at: number, handling: AlarmHandling) {
    const value: AlarmHandledV1 = {
      v: 1,
      type,
      alarmId: command.alarmId,
      enterpriseId,
      by: command.by,
      at,
      handling: handlingMessage(handling),
      correlationId: command.correlationId,
    };
    return this.bus.publish<AlarmHandledV1>(Topics.alarmHandling, [{ key: command.alarmId, value }]);
  }
}
