export enum HazardErrorCode {
  AlreadyRectified = 'ALREADY_RECTIFIED',
  AlreadyVerified = 'ALREADY_VERIFIED',
  VerifyNotRectified = 'VERIFY_NOT_RECTIFIED',
  EvidenceTooLarge = 'EVIDENCE_TOO_LARGE',
  EvidenceTypeRefused = 'EVIDENCE_TYPE_REFUSED',
  TooManyEvidenceFiles = 'TOO_MANY_EVIDENCE_FILES',
}

/** A change to a hazard its lifecycle refuses, or evidence refused; the code is what the API edge maps to a status. */
export class HazardError extends Error {
  constructor(
    public readonly code: HazardErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HazardError';
  }
}
