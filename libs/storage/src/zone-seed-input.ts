import type { StoredArea, StoredGeoPoint, StoredHazards } from './zone-rows';

// Only what is stored, so the richer domain seed types are assignable.
export interface SubstationSeedInput {
  id: string;
  name: string;
  location: StoredGeoPoint;
  area: StoredArea;
  capacity: number;
}

export interface EnterpriseSeedInput {
  id: string;
  name: string;
  industry: string;
  location: StoredGeoPoint;
  substationId: string;
  hazards: StoredHazards;
}

export interface DeviceSeedInput {
  id: string;
  enterpriseId: string;
  type: string;
  reportIntervalS: number;
}

export interface ZoneSeedInput {
  substations: readonly SubstationSeedInput[];
  enterprises: readonly EnterpriseSeedInput[];
  devices: readonly DeviceSeedInput[];
}
