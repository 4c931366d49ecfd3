/** A substation's action on an incident; substationId absent = an operator acting for the command center. */
export interface SubstationActionCommand {
  incidentId: string;
  by: string;
  substationId?: string;
}
