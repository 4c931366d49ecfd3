import type { DeviceType, Grade } from '@app/contracts';

export interface StoredGeoPoint {
  lat: number;
  lon: number;
}

export interface StoredArea {
  minLat: number;
  minLon: number;
  maxLat: number;
  maxLon: number;
}

export interface StoredHazards {
  threeInOne: boolean;
  multiTenant: boolean;
  tenants: number;
  unauthorisedStructures: boolean;
  fireLaneBlocked: boolean;
  noSprinklers: boolean;
}

export interface SubstationRow {
  id: string;
  name: string;
  location: StoredGeoPoint;
  area: StoredArea;
  capacity: number;
  available: boolean;
}

export interface EnterpriseRow {
  id: string;
  name: string;
  industry: string;
  location: StoredGeoPoint;
  substationId: string;
  hazards: StoredHazards;
  grade: Grade | null;
  gradeReasons: string[];
  gradeAt: Date | null;
}

/** An enterprise with its register fields, as its detail shows it. */
export interface EnterpriseDetailRow extends EnterpriseRow {
  address: string;
  status: 'active' | 'retired';
  profile: { floors: number | null; areaM2: number | null; occupants: number | null };
  indicators: Record<string, number | boolean | string>;
}

/** A contact of an enterprise or a substation (contacts are never retired: there is no status). */
export interface ContactRow {
  id: string;
  name: string;
  phone: string;
  email: string;
  role: 'responsible' | 'duty' | 'manager';
}

export interface DeviceRow {
  id: string;
  enterpriseId: string;
  type: DeviceType;
  reportIntervalS: number;
}

/** A device as the MQTT edge knows it: `retired` when the device or its enterprise is (a retired device's messages are refused). */
export interface RegisteredDeviceRow extends DeviceRow {
  status: 'active' | 'retired';
}

export interface DeviceDetailRow extends DeviceRow {
  lastSeenAt: Date | null;
  online: boolean | null;
}
