export enum TimelineErrorCode {
  OutOfOrder = 'OUT_OF_ORDER',
  AlreadyDone = 'ALREADY_DONE',
  Resolved = 'INCIDENT_RESOLVED',
  WrongSubstation = 'WRONG_SUBSTATION',
  BeforeDispatch = 'BEFORE_DISPATCH',
}

/** A substation or operator action the 1-3-5 timeline refuses; the code is what the API edge maps to a status. */
export class TimelineError extends Error {
  constructor(
    public readonly code: TimelineErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TimelineError';
  }
}
