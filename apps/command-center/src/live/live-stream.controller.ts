import { Controller, Headers, MessageEvent, Sse } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { concat, defer, EMPTY, filter, from, interval, map, merge, Observable } from 'rxjs';
import { z } from 'zod';
import { GRADES } from '@app/contracts';
import { Authenticated } from '../auth/auth.guard';
import { ApiErrors, ZodQuery } from '../openapi/api-docs.decorators';
import { LiveEnvelope, LiveStreamService } from './live-stream.service';

const streamQuery = z.object({
  grade: z.enum(GRADES).optional().describe('only events of this grade (events without one always pass)'),
  substationId: z.string().max(64).optional().describe("only this substation's incidents, as assigned or as backup"),
  access_token: z.string().optional().describe('the Bearer token, for browsers: EventSource cannot set headers'),
  lastEventId: z.string().regex(/^\d+$/).optional().describe('as the Last-Event-ID header, for clients that cannot set it'),
});

/** Server-sent events: alarms, grade changes, incidents, milestones and escalations as they happen. */
@Controller('api')
@ApiTags('live stream')
@Authenticated()
export class LiveStreamController {
  constructor(private readonly live: LiveStreamService) {}

  /**
   * A client that reconnects with `Last-Event-ID` (EventSource does this by
   * itself) first gets the events it missed, in order, from a bounded buffer.
   */
  @Sse('stream')
  @ApiOperation({
    summary: 'Server-sent events: alarms, grade changes, incidents, milestones, escalations and re-notifications as they happen',
    description:
      "Event types: alarm.raised, alarm.updated, alarm.cleared, alarm.acknowledged, alarm.commented, alarm.assigned (with the alarm's handling), grade.changed, incident.opened, incident.graded, incident.milestone, " +
      'incident.escalation, incident.renotify, incident.resolved, notification.failed (a notification given up after its last attempt), and a heartbeat every 15 s. Each event has an id; a client reconnecting ' +
      'with Last-Event-ID first gets what it missed, in order, from the last 1,000.',
  })
  @ApiHeader({
    name: 'last-event-id',
    required: false,
    description: 'Last-Event-ID: the id of the last event received (EventSource sends it on reconnecting)',
  })
  @ApiResponse({
    status: 200,
    description: 'an endless text/event-stream',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  @ApiErrors({ 400: 'an invalid filter' })
  stream(@ZodQuery(streamQuery) q: z.infer<typeof streamQuery>, @Headers('last-event-id') lastEventId?: string): Observable<MessageEvent> {
    const wanted = ({ data }: LiveEnvelope) => {
      if (q.grade && 'grade' in data && data.grade !== q.grade) return false;
      if (
        q.substationId &&
        'incident' in data &&
        data.incident.substationId !== q.substationId &&
        !data.incident.backupSubstationIds.includes(q.substationId)
      )
        return false;
      return true;
    };
    const lastId = Number(lastEventId ?? q.lastEventId);
    // Subscribe to live events before reading the buffer, and drop live ones the replay already gave.
    let replayedUpTo = 0;
    const live = this.live.events.pipe(filter((e) => e.id > replayedUpTo && wanted(e)));
    const missed =
      Number.isInteger(lastId) && lastId >= 0
        ? defer(() => {
            const events = this.live.since(lastId);
            replayedUpTo = events.length ? events[events.length - 1].id : replayedUpTo;
            return from(events.filter(wanted));
          })
        : EMPTY;
    const events = concat(missed, live).pipe(map((e): MessageEvent => ({ id: String(e.id), type: e.type, data: e.data })));
    const heartbeat = interval(15_000).pipe(map((): MessageEvent => ({ type: 'heartbeat', data: {} })));
    return merge(events, heartbeat);
  }
}
