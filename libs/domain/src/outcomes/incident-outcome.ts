import { INCIDENT_OUTCOMES, ResolutionSnapshotV1 } from '@app/contracts';
import causesFile from './false-alarm-causes.json';

export { INCIDENT_OUTCOMES, type IncidentOutcome } from '@app/contracts';

export interface FalseAlarmCause {
  code: string;
  name: string;
}

/** Why a false alarm went off, as data: the causes a false alarm may be resolved with (`unknown` when not found). */
export const FALSE_ALARM_CAUSES: readonly FalseAlarmCause[] = causesFile;

export const OUTCOME_NOTE_MAX_LENGTH = 2000;

/** An incident's outcome as the resolving substation or operator gave it (a cause from FALSE_ALARM_CAUSES). */
export type IncidentResolution = ResolutionSnapshotV1;

export interface OutcomeProblem {
  field: 'outcome' | 'cause' | 'note';
  message: string;
}

const CAUSE_CODES = new Set(FALSE_ALARM_CAUSES.map((c) => c.code));

/**
 * Checks what a resolution says. A false alarm needs its cause (the false-alarm report counts by cause; `unknown`
 * says it was looked for and not found); any other outcome takes none, so a cause always means a false alarm's.
 */
export function checkResolution(input: { outcome?: unknown; cause?: unknown; note?: unknown }): OutcomeProblem[] {
  const problems: OutcomeProblem[] = [];
  const { outcome, cause, note } = input;
  if (outcome === undefined || outcome === null)
    problems.push({ field: 'outcome', message: `required: one of ${INCIDENT_OUTCOMES.join(', ')}` });
  else if (!(INCIDENT_OUTCOMES as readonly unknown[]).includes(outcome))
    problems.push({ field: 'outcome', message: `unknown outcome; one of ${INCIDENT_OUTCOMES.join(', ')}` });
  const hasCause = cause !== undefined && cause !== null;
  if (hasCause && (typeof cause !== 'string' || !CAUSE_CODES.has(cause)))
    problems.push({ field: 'cause', message: `unknown cause; one of ${[...CAUSE_CODES].join(', ')}` });
  else if (outcome === 'false-alarm' && !hasCause)
    problems.push({
      field: 'cause',
      message: `a false alarm needs its cause (unknown when not found): one of ${[...CAUSE_CODES].join(', ')}`,
    });
  else if (
    hasCause &&
    typeof outcome === 'string' &&
    outcome !== 'false-alarm' &&
    (INCIDENT_OUTCOMES as readonly string[]).includes(outcome)
  )
    problems.push({ field: 'cause', message: 'a cause is given for a false alarm only' });
  if (note !== undefined && note !== null && (typeof note !== 'string' || note.length > OUTCOME_NOTE_MAX_LENGTH))
    problems.push({ field: 'note', message: `a text of at most ${OUTCOME_NOTE_MAX_LENGTH} characters` });
  return problems;
}
