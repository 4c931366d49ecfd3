import { Inject, Injectable } from '@nestjs/common';
import { CLOCK } from '@app/config';
import { applyAction, Clock } from '@app/domain';
import type { IncidentRecord } from '@app/storage';
import { IncidentTimelineUpdate } from '../../incident-timeline-update';
import type { SubstationActionCommand } from '../substation-action.command';

/** The substation has taken the call and turned out: the 1-minute milestone. Null when there is no such incident. */
@Injectable()
export class AcknowledgeIncident {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly timeline: IncidentTimelineUpdate,
  ) {}

  async execute({ incidentId, by, substationId }: SubstationActionCommand): Promise<IncidentRecord | null> {
    const at = this.clock.now();
    const update = await this.timeline.apply(
      incidentId,
      at,
      (state) => ({ state: applyAction(state, { type: 'acknowledge', at, by, substationId }).state }),
      () => [{ type: 'incident.milestone', milestone: 'acknowledged' }],
    );
    return update.outcome === 'changed' ? update.incident : null;
  }
}
