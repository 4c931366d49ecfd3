import { Controller, Headers, MessageEvent, Query, Sse, UseGuards } from '@nestjs/common';
import { concat, defer, EMPTY, filter, from, interval, map, merge, Observable } from 'rxjs';
import { z } from 'zod';
import { GRADES } from '@app/contracts';
import { ZodPipe } from '../api/zod-query.pipe';
import { AuthGuard } from '../auth/auth.guard';
import { LiveEnvelope, LiveStreamService } from './live-stream.service';

const streamQuery = z.object({
  grade: z.enum(GRADES).optional(),
  substationId: z.string().max(64).optional(),
  access_token: z.string().optional(),
  lastEventId: z.string().regex(/^\d+$/).optional(),
});

/** Server-sent events: alarms, grade changes, incidents, milestones and escalations as they happen. */
@Controller('api')
@UseGuards(AuthGuard)
export class LiveStreamController {
  constructor(private readonly live: LiveStreamService) {}

  /**
   * A client that reconnects with `Last-Event-ID` (EventSource does this by
   * itself) first gets the events it missed, in order, from a bounded buffer.
   */
  @Sse('stream')
  stream(@Query(new ZodPipe(streamQuery)) q: z.infer<typeof streamQuery>, @Headers('last-event-id') lastEventId?: string): Observable<MessageEvent> {
    const wanted = ({ data }: LiveEnvelope) => {
      if (q.grade && 'grade' in data && data.grade !== q.grade) return false;
      if (q.substationId && 'incident' in data && data.incident.substationId !== q.substationId && !data.incident.backupSubstationIds.includes(q.substationId)) return false;
      return true;
    };
    const lastId = Number(lastEventId ?? q.lastEventId);
    // Subscribe to live events before reading the buffer, and drop live ones the replay already gave.
    let replayedUpTo = 0;
    const live = this.live.events.pipe(filter((e) => e.id > replayedUpTo && wanted(e)));
    const missed = Number.isInteger(lastId) && lastId >= 0 ? defer(() => {
      const events = this.live.since(lastId);
      replayedUpTo = events.length ? events[events.length - 1].id : replayedUpTo;
      return from(events.filter(wanted));
    }) : EMPTY;
    const events = concat(missed, live).pipe(map((e): MessageEvent => ({ id: String(e.id), type: e.type, data: e.data })));
    const heartbeat = interval(15_000).pipe(map((): MessageEvent => ({ type: 'heartbeat', data: {} })));
    return merge(events, heartbeat);
  }
}
