import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Observable, Subject } from 'rxjs';
import { AlarmEventV1, GradeChangedV1, IncidentEventV1, Topics } from '@app/contracts';
import { Bus, BUS, BusMessage } from '@app/transport';

export type LiveEvent = AlarmEventV1 | GradeChangedV1 | IncidentEventV1;

export interface LiveEnvelope {
  id: number;
  type: LiveEvent['type'];
  data: LiveEvent;
}

/** Events kept for clients that reconnect with the id of the last one they saw. */
const REPLAY_BUFFER = 1000;

/** Fans the bus's alarm, grade and incident events out to every live-stream client of this process. */
@Injectable()
export class LiveStreamService implements OnApplicationBootstrap {
  private readonly subject = new Subject<LiveEnvelope>();
  private readonly recent: LiveEnvelope[] = [];
  private sequence = 0;

  constructor(@Inject(BUS) private readonly bus: Bus) {}

  async onApplicationBootstrap(): Promise<void> {
    // A group of our own per process: every command center sees every event.
    const group = `command-center-live-${randomUUID()}`;
    const forward = async (batch: BusMessage<LiveEvent>[]) => {
      for (const m of batch) {
        const envelope = { id: ++this.sequence, type: m.value.type, data: m.value };
        this.recent.push(envelope);
        if (this.recent.length > REPLAY_BUFFER) this.recent.shift();
        this.subject.next(envelope);
      }
    };
    await this.bus.subscribe<LiveEvent>(Topics.alarms, group, forward, { broadcast: true });
    await this.bus.subscribe<LiveEvent>(Topics.grades, group, forward, { broadcast: true });
    await this.bus.subscribe<LiveEvent>(Topics.incidents, group, forward, { broadcast: true });
  }

  get events(): Observable<LiveEnvelope> {
    return this.subject.asObservable();
  }

  /** The kept events after `lastId`, oldest first (at most REPLAY_BUFFER of them). */
  since(lastId: number): LiveEnvelope[] {
    return this.recent.filter((e) => e.id > lastId);
  }
}
