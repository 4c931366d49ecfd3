import type { IncidentResolution } from '@app/domain';

/** A substation's action on an incident; substationId absent = an operator acting for the command center. */
export interface SubstationActionCommand {
  incidentId: string;
  by: string;
  substationId?: string;
}

/** Resolving says how the incident ended (checked at the edge with checkResolution). */
export interface ResolveIncidentCommand extends SubstationActionCommand {
  resolution: IncidentResolution;
}
