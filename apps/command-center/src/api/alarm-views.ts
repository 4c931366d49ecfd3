import { Injectable } from '@nestjs/common';
import type { z } from 'zod';
import type { AlarmHandlingV1 } from '@app/contracts';
import { AlarmHandling, AlarmHandlingRepository, AlarmQuery, AlarmRow, AlarmsRepository } from '@app/storage';
import type { handledAlarm } from './response-schemas';

export type HandledAlarmView = z.output<typeof handledAlarm>;

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

/** The handling with its times as `time` writes them: ISO-8601 for the API, epoch ms for alarm-handling.v1. */
function handlingWithTimes<T>(h: AlarmHandling, time: (d: Date) => T) {
  return {
    acknowledgedAt: h.acknowledgedAt && time(h.acknowledgedAt),
    acknowledgedBy: h.acknowledgedBy,
    assignee: h.assignee,
    assignedAt: h.assignedAt && time(h.assignedAt),
    assignedBy: h.assignedBy,
    comments: h.comments.map((c) => ({ kind: c.kind, at: time(c.at), by: c.by, text: c.text })),
  };
}

/** The handling as alarm-handling.v1 carries it (epoch ms). */
export function handlingMessage(h: AlarmHandling): AlarmHandlingV1 {
  return handlingWithTimes(h, (d) => d.getTime());
}

export function renderAlarm(a: AlarmRow, h: AlarmHandling): HandledAlarmView {
  return {
    id: a.id,
    deviceId: a.deviceId,
    enterpriseId: a.enterpriseId,
    ruleId: a.ruleId,
    class: a.signalClass,
    metric: a.metric,
    grade: a.grade,
    status: a.status,
    value: a.value,
    message: a.message,
    raisedAt: a.raisedAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
    clearedAt: iso(a.clearedAt),
    occurrences: a.occurrences,
    correlationId: a.correlationId,
    test: a.test,
    ...handlingWithTimes(h, (d) => d.toISOString()),
  };
}

/** Alarms as /api/alarms shows them: the risk engine's alarm with what operators have done with it. */
@Injectable()
export class AlarmViews {
  constructor(
    private readonly alarms: AlarmsRepository,
    private readonly handling: AlarmHandlingRepository,
  ) {}

  async list(query: AlarmQuery): Promise<HandledAlarmView[]> {
    const rows = await this.alarms.list(query);
    const handling = await this.handling.of(rows.map((r) => r.id));
    return rows.map((r) => renderAlarm(r, handling.get(r.id)!));
  }

  /** One alarm; with `handling` (just read by the change that made it), only the alarm itself is read. */
  async find(id: string, handling?: AlarmHandling): Promise<HandledAlarmView | null> {
    const row = await this.alarms.get(id);
    if (!row) return null;
    return renderAlarm(row, handling ?? (await this.handling.of([id])).get(id)!);
  }
}
