import type { AlarmHandledV1 } from '@app/contracts';
import type { AlarmHandlingChange } from '@app/storage';
import type { AlarmViews } from '../api/alarm-views';
import type { AlarmHandledPublisher } from './alarm-handled.publisher';
import type { AlarmHandlingCommand } from './alarm-handling.command';
import type { AlarmHandlingOutcome } from './alarm-handling.outcome';

/** What the three alarm use cases share once their change is stored: the alarm re-read, and the event if it changed. */
export async function afterHandling(
  views: AlarmViews,
  publisher: AlarmHandledPublisher,
  type: AlarmHandledV1['type'],
  command: AlarmHandlingCommand,
  at: number,
  change: AlarmHandlingChange,
): Promise<AlarmHandlingOutcome> {
  if (change.outcome === 'missing') return change;
  const alarm = await views.find(command.alarmId, change.handling);
  if (!alarm) return { outcome: 'missing' };
  if (change.outcome === 'changed') await publisher.publish(type, command, alarm.enterpriseId, at, change.handling);
  return { outcome: change.outcome, alarm };
}
