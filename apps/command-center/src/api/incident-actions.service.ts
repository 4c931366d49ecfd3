import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { IncidentEventV1, IncidentView, Topics } from '@app/contracts';
import { CLOCK } from '@app/config';
import { applyAction, Clock, TimelineAction } from '@app/domain';
import { IncidentsRepository } from '@app/storage';
import { Bus, BUS } from '@app/transport';

/** A substation's acknowledge / arrive / resolve, checked by the timeline state machine under a row lock. */
@Injectable()
export class IncidentActionsService {
  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly incidents: IncidentsRepository,
  ) {}

  async act(id: string, type: TimelineAction['type'], by: string, substationId?: string): Promise<IncidentView> {
    const at = this.clock.now();
    const done = await this.incidents.transaction(async (tx) => {
      const locked = await this.incidents.lock(tx, id);
      if (!locked) return null;
      const { state, milestone } = applyAction(locked.state, { type, at, by, substationId });
      await this.incidents.save(tx, id, state);
      return { milestone, correlationId: locked.correlationId };
    });
    if (!done) throw new NotFoundException(`incident ${id} not found`);
    const incident = (await this.incidents.view(id))!;
    const base = {
      v: 1 as const,
      incidentId: id,
      enterpriseId: incident.enterpriseId,
      substationId: incident.substationId,
      incident,
      at,
      correlationId: done.correlationId,
    };
    const events: IncidentEventV1[] = [{ ...base, type: 'incident.milestone', milestone: done.milestone.name }];
    if (incident.status === 'resolved') events.push({ ...base, type: 'incident.resolved' });
    await this.bus.publish(
      Topics.incidents,
      events.map((e) => ({ key: id, value: e, headers: { correlationId: e.correlationId } })),
    );
    return incident;
  }
}
