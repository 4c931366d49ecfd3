export enum HazardErrorCode {
  AlreadyRectified = 'ALREADY_RECTIFIED',
  AlreadyVerified = 'ALREADY_VERIFIED',
  VerifyNotRectified = 'VERIFY_NOT_RECTIFIED',
}

/** A change to a hazard its lifecycle refuses; the code is what the API edge maps to a status. */
export class HazardError extends Error {
  constructor(
    public readonly code: HazardErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HazardError';
  }
}
