import { Controller, MessageEvent, Query, Sse, UseGuards } from '@nestjs/common';
import { filter, map, merge, Observable, interval } from 'rxjs';
import { z } from 'zod';
import { GRADES } from '@app/contracts';
import { ZodPipe } from '../api/zod-query.pipe';
import { AuthGuard } from '../auth/auth.guard';
import { LiveStreamService } from './live-stream.service';

const streamQuery = z.object({
  grade: z.enum(GRADES).optional(),
  substationId: z.string().max(64).optional(),
  access_token: z.string().optional(),
});

/** Server-sent events: alarms, grade changes, incidents, milestones and escalations as they happen. */
@Controller('api')
@UseGuards(AuthGuard)
export class LiveStreamController {
  constructor(private readonly live: LiveStreamService) {}

  @Sse('stream')
  stream(@Query(new ZodPipe(streamQuery)) q: z.infer<typeof streamQuery>): Observable<MessageEvent> {
    const events = this.live.events.pipe(
      filter(({ data }) => {
        if (q.grade && 'grade' in data && data.grade !== q.grade) return false;
        if (q.substationId && 'incident' in data && data.incident.substationId !== q.substationId && !data.incident.backupSubstationIds.includes(q.substationId)) return false;
        return true;
      }),
      map((e): MessageEvent => ({ id: String(e.id), type: e.type, data: e.data })),
    );
    const heartbeat = interval(15_000).pipe(map((): MessageEvent => ({ type: 'heartbeat', data: {} })));
    return merge(events, heartbeat);
  }
}
