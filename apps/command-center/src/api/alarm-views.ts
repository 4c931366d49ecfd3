import { Injectable } from '@nestjs/common';
import type { z } from 'zod';
import type { AlarmHandlingV1 } from '@app/contracts';
import { AlarmHandling, AlarmHandlingRepository, AlarmQuery, AlarmRow, AlarmsRepository } from '@app/storage';
import type { handledAlarm } from './response-schemas';

export type HandledAlarmView = z.output<typeof handledAlarm>;

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

/** The handling as the API shows it (ISO-8601 UTC times). */
export function renderHandling(h: AlarmHandling) {
  return {
    acknowledgedAt: iso(h.acknowledgedAt),
    acknowledgedBy: h.acknowledgedBy,
    assignee: h.assignee,
    assignedAt: iso(h.assignedAt),
    assignedBy: h.assignedBy,
    comments: h.comments.map((c) => ({ kind: c.kind, at: c.at.toISOString(), by: c.by, text: c.text })),
  };
}

/** The handling as alarm-handling.v1 carries it (epoch ms). */
export function handlingMessage(h: AlarmHandling): AlarmHandlingV1 {
  const ms = (d: Date | null) => (d === null ? null : d.getTime());
  return {
    acknowledgedAt: ms(h.acknowledgedAt),
    acknowledgedBy: h.acknowledgedBy,
    assignee: h.assignee,
    assignedAt: ms(h.assignedAt),
    assignedBy: h.assignedBy,
    comments: h.comments.map((c) => ({ kind: c.kind, at: c.at.getTime(), by: c.by, text: c.text })),
  };
}

export function renderAlarm(a: AlarmRow, h: AlarmHandling): HandledAlarmView {
  return {
    id: a.id,
    deviceId: a.deviceId,
    enterpriseId: a.enterpriseId,
    ruleId: a.ruleId,
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
    ...renderHandling(h),
  };
}

/** Alarms as /api/alarms shows them: the risk engine's alarm with what operators have done with it. */
@Injectable()
export class AlarmViews {
  constructor(
    private readonly alarms: AlarmsRepository,
    private readonly handling: AlarmHandlingRepository,
  ) {}

  async list(query: AlarmQuery): Promise<{ rows: AlarmRow[]; views: HandledAlarmView[] }> {
    const rows = await this.alarms.list(query);
    const handling = await this.handling.of(rows.map((r) => r.id));
    return { rows, views: rows.map((r) => renderAlarm(r, handling.get(r.id)!)) };
  }

  async find(id: string): Promise<HandledAlarmView | null> {
    const row = await this.alarms.get(id);
    if (!row) return null;
    const handling = await this.handling.of([id]);
    return renderAlarm(row, handling.get(id)!);
  }
}
