import { applyAction, IncidentResolution, TimelineAction } from '@app/domain';
import type { IncidentRecord } from '@app/storage';
import type { IncidentEventDetail } from '../incident-events';
import type { IncidentTimelineUpdate } from '../incident-timeline-update';
import type { SubstationActionCommand } from './substation-action.command';

/** What each substation action tells the command center once recorded. */
const EVENTS: Record<TimelineAction['type'], IncidentEventDetail[]> = {
  acknowledge: [{ type: 'incident.milestone', milestone: 'acknowledged' }],
  arrive: [{ type: 'incident.milestone', milestone: 'onScene' }],
  resolve: [{ type: 'incident.milestone', milestone: 'underControl' }, { type: 'incident.resolved' }],
};

/**
 * The part the three substation actions share: the timeline state machine checks the action under the row lock
 * (refusing it out of order, twice or after resolution) and the action's events go out. Null for an unknown incident.
 * A resolution (how it ended) is saved with the change that resolves.
 */
export async function recordSubstationAction(
  timeline: IncidentTimelineUpdate,
  type: TimelineAction['type'],
  at: number,
  { incidentId, by, substationId }: SubstationActionCommand,
  resolution?: IncidentResolution,
): Promise<IncidentRecord | null> {
  const update = await timeline.apply(
    incidentId,
    at,
    (state) => ({ state: applyAction(state, { type, at, by, substationId }).state, ...(resolution && { resolution }) }),
    { events: () => EVENTS[type] },
  );
  return update.outcome === 'changed' ? update.incident : null;
}
