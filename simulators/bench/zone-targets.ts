import { generateZone } from '@app/domain';
import { LoadTarget } from './load-publisher';

/** Telemetry targets: every heat and smoke detector of the zone, one normal temperature reading a message. */
export function zoneTargets(zoneSize: number): LoadTarget[] {
  const zone = generateZone({ enterprises: zoneSize });
  return zone.devices
    .filter((d) => d.type === 'heat_detector' || d.type === 'smoke_detector')
    .map((d) => ({
      topic: `sites/${d.enterpriseId}/devices/${d.id}/telemetry`,
      payload: (seq: number, now: number) => `{"ts":${now},"seq":${seq},"readings":{"temperature":${(22 + (seq % 50) / 10).toFixed(1)}}}`,
    }));
}
