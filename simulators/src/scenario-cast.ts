import { DeviceType } from '@app/contracts';
import { DeviceSeed, standingHazardNames, ZoneSeed } from '@app/domain';
import { Scenario } from './scenario.schema';

/** The enterprises and devices a scenario's aliases stand for in one zone. */
export interface ScenarioCast {
  enterprises: Record<string, string[]>;
  groups: Record<string, string[]>;
  /** Every device of the cast's enterprises: they all report while the scenario runs. */
  devices: DeviceSeed[];
}

export interface CastOptions {
  /** Replaces the selector of the first enterprise alias. */
  enterpriseIds?: string[];
  /** Enterprises not to choose (used by someone else). */
  avoid?: ReadonlySet<string>;
}

/** Resolves the aliases, first come first served: an enterprise plays one part. */
export function castScenario(scenario: Scenario, zone: ZoneSeed, options: CastOptions = {}): ScenarioCast {
  const byEnterprise = new Map<string, DeviceSeed[]>();
  for (const d of zone.devices) {
    const list = byEnterprise.get(d.enterpriseId) ?? [];
    list.push(d);
    byEnterprise.set(d.enterpriseId, list);
  }
  const taken = new Set(options.avoid ?? []);
  const enterprises: Record<string, string[]> = {};
  Object.entries(scenario.enterprises).forEach(([name, sel], index) => {
    const ids = index === 0 && options.enterpriseIds ? options.enterpriseIds : sel.ids;
    if (ids) {
      for (const id of ids)
        if (!byEnterprise.has(id))
          throw new Error(`enterprise alias "${name}": ${id} is not in a zone of ${zone.enterprises.length} enterprises`);
      enterprises[name] = [...ids];
      ids.forEach((id) => taken.add(id));
      return;
    }
    const fits = zone.enterprises.filter((e) => {
      if (taken.has(e.id)) return false;
      if (sel.noStandingHazards && standingHazardNames(e.hazards).length > 0) return false;
      const devices = byEnterprise.get(e.id) ?? [];
      return Object.entries(sel.with).every(([type, n]) => devices.filter((d) => d.type === (type as DeviceType)).length >= (n ?? 0));
    });
    if (fits.length < sel.count) {
      const wants = [...Object.entries(sel.with).map(([t, n]) => `${n} × ${t}`), ...(sel.noStandingHazards ? ['no standing hazard'] : [])];
      throw new Error(
        `enterprise alias "${name}": ${fits.length} of the ${sel.count} enterprises wanted (${wants.join(', ') || 'any'}) in a zone of ${zone.enterprises.length}`,
      );
    }
    enterprises[name] = fits.slice(0, sel.count).map((e) => e.id);
    enterprises[name].forEach((id) => taken.add(id));
  });

  const groups: Record<string, string[]> = {};
  for (const [name, g] of Object.entries(scenario.devices)) {
    groups[name] = enterprises[g.enterprise].flatMap((e) => {
      const matching = (byEnterprise.get(e) ?? []).filter((d) => !g.types || g.types.includes(d.type));
      return matching.slice(0, g.count ?? matching.length).map((d) => d.id);
    });
    if (groups[name].length === 0)
      throw new Error(`device group "${name}": no ${g.types?.join(' or ') ?? 'device'} in ${enterprises[g.enterprise].join(', ')}`);
  }
  const devices = Object.values(enterprises).flatMap((ids) => ids.flatMap((id) => byEnterprise.get(id) ?? []));
  return { enterprises, groups, devices };
}
