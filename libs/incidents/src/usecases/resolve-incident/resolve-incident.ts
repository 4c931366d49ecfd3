import { Inject, Injectable } from '@nestjs/common';
import { CLOCK } from '@app/config';
import type { Clock } from '@app/domain';
import type { IncidentRecord } from '@app/storage';
import { IncidentTimelineUpdate } from '../../incident-timeline-update';
import { recordSubstationAction } from '../substation-action';
import type { ResolveIncidentCommand } from '../substation-action.command';

/**
 * Under control: the 5-minute milestone, after arrival, and the incident is resolved with its outcome. Null when
 * there is no such incident.
 */
@Injectable()
export class ResolveIncident {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly timeline: IncidentTimelineUpdate,
  ) {}

  execute({ resolution, ...command }: ResolveIncidentCommand): Promise<IncidentRecord | null> {
    return recordSubstationAction(this.timeline, 'resolve', this.clock.now(), command, resolution);
  }
}
