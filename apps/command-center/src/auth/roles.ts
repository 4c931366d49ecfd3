export const ROLES = ['operator', 'substation', 'viewer', 'inspector', 'enterprise'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  /** The token's id (never its secret), as the audit log names who did a write. */
  tokenId: string;
  role: Role;
  /** For role substation: the station whose incidents it may act on. */
  substationId?: string;
  /** For role enterprise: the one enterprise it sees and acts for. */
  enterpriseId?: string;
  /** The person who holds the token. */
  name: string;
}
