import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Observable, Subject } from 'rxjs';
import {
  AlarmEventV1,
  AlarmHandledV1,
  GradeChangedV1,
  HazardOverdueV1,
  IncidentEventV2,
  IncidentView,
  NotificationFailedV1,
  OperatingModeChangedV1,
  Topics,
} from '@app/contracts';
import { CLOCK } from '@app/config';
import { Clock } from '@app/domain';
import { Bus, BUS, BusMessage } from '@app/transport';
import { renderIncident } from '../api/incident-view';

/** An incident event as the live stream sends it: the incident rendered as the API shows it. */
export type LiveIncidentEvent = Omit<IncidentEventV2, 'incident'> & { incident: IncidentView };

export type LiveEvent =
  AlarmEventV1 | AlarmHandledV1 | GradeChangedV1 | LiveIncidentEvent | NotificationFailedV1 | OperatingModeChangedV1 | HazardOverdueV1;

export interface LiveEnvelope {
  id: number;
  type: LiveEvent['type'];
  data: LiveEvent;
}

/** Events kept for clients that reconnect with the id of the last one they saw. */
const REPLAY_BUFFER = 1000;

/** Fans the bus's alarm, alarm-handling, grade, incident, failed-notification, mode-change and overdue-hazard events out to every live-stream client of this process. */
@Injectable()
export class LiveStreamService implements OnApplicationBootstrap {
  private readonly subject = new Subject<LiveEnvelope>();
  private readonly recent: LiveEnvelope[] = [];
  private sequence = 0;

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // A group of our own per process: every command center sees every event. Incidents go out as the API renders them.
    const group = `command-center-live-${randomUUID()}`;
    const forward = (batch: BusMessage<AlarmEventV1 | GradeChangedV1>[]) => this.forward(batch.map((m) => m.value));
    await this.bus.subscribe<AlarmEventV1 | GradeChangedV1>(Topics.alarms, group, forward, { broadcast: true });
    await this.bus.subscribe<AlarmEventV1 | GradeChangedV1>(Topics.grades, group, forward, { broadcast: true });
    await this.bus.subscribe<AlarmHandledV1>(Topics.alarmHandling, group, (batch) => this.forward(batch.map((m) => m.value)), {
      broadcast: true,
    });
    await this.bus.subscribe<IncidentEventV2>(
      Topics.incidents,
      group,
      (batch) => this.forward(batch.map(({ value }) => ({ ...value, incident: renderIncident(value.incident, this.clock.now()) }))),
      { broadcast: true },
    );
    await this.bus.subscribe<NotificationFailedV1>(Topics.notifications, group, (batch) => this.forward(batch.map((m) => m.value)), {
      broadcast: true,
    });
    await this.bus.subscribe<OperatingModeChangedV1>(Topics.operatingModes, group, (batch) => this.forward(batch.map((m) => m.value)), {
      broadcast: true,
    });
    await this.bus.subscribe<HazardOverdueV1>(Topics.hazards, group, (batch) => this.forward(batch.map((m) => m.value)), {
      broadcast: true,
    });
  }

  private forward(events: LiveEvent[]): Promise<void> {
    for (const data of events) {
      const envelope = { id: ++this.sequence, type: data.type, data };
      this.recent.push(envelope);
      if (this.recent.length > REPLAY_BUFFER) this.recent.shift();
      this.subject.next(envelope);
    }
    return Promise.resolve();
  }

  get events(): Observable<LiveEnvelope> {
    return this.subject.asObservable();
  }

  /** The kept events after `lastId`, oldest first (at most REPLAY_BUFFER of them). */
  since(lastId: number): LiveEnvelope[] {
    return this.recent.filter((e) => e.id > lastId);
  }
}
