export type Role = 'operator' | 'substation' | 'viewer';

export interface Principal {
  role: Role;
  /** For role substation: the station whose incidents it may act on. */
  substationId?: string;
  name: string;
}
