import type { SignalClass } from '@app/contracts';
import { distanceM, type GeoPoint } from './geo';

export interface SubstationSnapshot {
  id: string;
  location: GeoPoint;
  capacity: number;
  activeIncidents: number;
  available: boolean;
}

export interface SubstationChoice {
  substationId: string;
  /**
   * 'backup-busy-nearest': no free backup, so the nearest other station is called in anyway.
   * 'home-busy-kept-for-fire': the home station is busy and the zone's last free place is kept for a fire,
   * so this other alarm waits for its home station.
   * 'no-backup' is never chosen here; it is for callers recording that chooseBackup() found none.
   */
  reason:
    | 'home-area'
    | 'home-busy-nearest'
    | 'home-unavailable-nearest'
    | 'all-busy-home'
    | 'home-busy-kept-for-fire'
    | 'backup-nearest'
    | 'backup-busy-nearest'
    | 'no-backup';
  distanceM: number;
}

function isFree(s: SubstationSnapshot): boolean {
  return s.available && s.activeIncidents < s.capacity;
}

/** Free places beyond the one a non-fire incident may take from another area: the last one is kept for a fire. */
export const FIRE_RESERVE_PLACES = 1;

function freePlaces(stations: SubstationSnapshot[]): number {
  let n = 0;
  for (const s of stations) if (isFree(s)) n += s.capacity - s.activeIncidents;
  return n;
}

function nearest(from: GeoPoint, candidates: SubstationSnapshot[]): { station: SubstationSnapshot; distanceM: number } | null {
  let best: { station: SubstationSnapshot; distanceM: number } | null = null;
  for (const station of candidates) {
    const d = distanceM(from, station.location);
    if (best === null || d < best.distanceM || (d === best.distanceM && station.id < best.station.id)) best = { station, distanceM: d };
  }
  return best;
}

/**
 * The substation whose area holds the enterprise, unless it is busy (as many
 * incidents as its capacity) or unavailable: then the nearest free one. When
 * none is free the home substation still gets it, queued behind its others.
 * Fire comes first when crews are scarce: an incident known not to be a fire
 * (another class) does not take the last free place of another area's
 * stations; it waits for its home station. A null class (a grade alone, its
 * cause not yet known) is treated as a fire. distanceM is NaN if the home
 * substation is missing from the snapshot.
 */
export function chooseSubstation(
  enterprise: { location: GeoPoint; substationId: string },
  substations: SubstationSnapshot[],
  signalClass: SignalClass | null = null,
): SubstationChoice {
  const home = substations.find((s) => s.id === enterprise.substationId);
  if (home !== undefined && isFree(home)) {
    return { substationId: home.id, reason: 'home-area', distanceM: distanceM(enterprise.location, home.location) };
  }
  const others = substations.filter((s) => s.id !== enterprise.substationId && isFree(s));
  const other = nearest(enterprise.location, others);
  const homeDistanceM = home === undefined ? Number.NaN : distanceM(enterprise.location, home.location);
  if (other !== null && signalClass !== null && signalClass !== 'fire' && freePlaces(others) <= FIRE_RESERVE_PLACES) {
    return { substationId: enterprise.substationId, reason: 'home-busy-kept-for-fire', distanceM: homeDistanceM };
  }
  if (other !== null) {
    const reason = home !== undefined && home.available ? 'home-busy-nearest' : 'home-unavailable-nearest';
    return { substationId: other.station.id, reason, distanceM: other.distanceM };
  }
  return { substationId: enterprise.substationId, reason: 'all-busy-home', distanceM: homeDistanceM };
}

/** The nearest free substation not excluded; if none is free, the nearest not excluded at all; null if none is left. */
export function chooseBackup(
  enterprise: { location: GeoPoint },
  substations: SubstationSnapshot[],
  exclude: string[],
): SubstationChoice | null {
  const candidates = substations.filter((s) => !exclude.includes(s.id));
  const free = nearest(enterprise.location, candidates.filter(isFree));
  if (free !== null) return { substationId: free.station.id, reason: 'backup-nearest', distanceM: free.distanceM };
  const any = nearest(enterprise.location, candidates);
  return any === null ? null : { substationId: any.station.id, reason: 'backup-busy-nearest', distanceM: any.distanceM };
}
