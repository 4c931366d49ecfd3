import type { Grade, MilestoneName, SignalClass } from '@app/contracts';
import type { IncidentResolution, TimelineState } from '@app/domain';

export interface RecordedEscalation {
  milestone: MilestoneName;
  at: number;
  dueAt: number;
  backupSubstationId: string | null;
  lateByMs: number;
}

/**
 * An incident as the store holds it: its 1-3-5 timeline as the domain's state (epoch ms), the alarms
 * joined to it and the escalations recorded, oldest first. How the API shows it is the command center's.
 */
export interface IncidentRecord {
  id: string;
  enterpriseId: string;
  grade: Grade;
  /** The class of its first-handled alarm (fire before alarm before supervisory); null when a grade alone opened it. */
  signalClass: SignalClass | null;
  assignmentReason: string;
  correlationId: string;
  alarmIds: string[];
  timeline: TimelineState;
  escalations: RecordedEscalation[];
  /** How it ended, once resolved (null before, and for incidents resolved before outcomes were recorded). */
  resolution: IncidentResolution | null;
}
