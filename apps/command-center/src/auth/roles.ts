export type Role = 'operator' | 'substation' | 'viewer';

export interface Principal {
  /** The token's id (never its secret), as the audit log names who did a write. */
  tokenId: string;
  role: Role;
  /** For role substation: the station whose incidents it may act on. */
  substationId?: string;
  /** The person who holds the token. */
  name: string;
}
