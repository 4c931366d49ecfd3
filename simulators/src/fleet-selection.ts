import { DeviceSeed, ZoneSeed } from '@app/domain';

/** The devices of the chosen enterprises: listed ids, or the first N of the zone, or the whole zone. */
export function selectFleet(zone: ZoneSeed, choice: { enterpriseIds?: string[]; enterprises?: number }): DeviceSeed[] {
  let ids: Set<string>;
  if (choice.enterpriseIds && choice.enterpriseIds.length > 0) {
    const known = new Set(zone.enterprises.map((e) => e.id));
    const unknown = choice.enterpriseIds.filter((id) => !known.has(id));
    if (unknown.length > 0) throw new Error(`${unknown.join(', ')} not in a zone of ${zone.enterprises.length} enterprises`);
    ids = new Set(choice.enterpriseIds);
  } else {
    ids = new Set(zone.enterprises.slice(0, choice.enterprises ?? zone.enterprises.length).map((e) => e.id));
  }
  return zone.devices.filter((d) => ids.has(d.enterpriseId));
}
