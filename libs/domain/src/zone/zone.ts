import type { DeviceType } from '@app/contracts';
import type { StandingHazards } from '../enterprise-grade';
import type { GeoPoint } from '../geo';

export interface GeoBounds {
  minLat: number;
  minLon: number;
  maxLat: number;
  maxLon: number;
}

export interface SubstationSeed {
  id: string;
  name: string;
  location: GeoPoint;
  area: GeoBounds;
  capacity: number;
}

export interface EnterpriseSeed {
  id: string;
  name: string;
  industry: string;
  location: GeoPoint;
  substationId: string;
  hazards: StandingHazards;
}

export interface DeviceSeed {
  id: string;
  enterpriseId: string;
  type: DeviceType;
  reportIntervalS: number;
}

/** The reference data of a zone: who covers where, who works there, what watches them. */
export interface ZoneSeed {
  substations: SubstationSeed[];
  enterprises: EnterpriseSeed[];
  devices: DeviceSeed[];
}
