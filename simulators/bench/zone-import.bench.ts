import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateZone, registerInputFromJson } from '@app/domain';
import { importRegister, migrate, openSqlClient, ZoneRepository } from '@app/storage';
import { emit } from './bench-output';

/** The generated demo zone as register rows: what an import of the whole zone sends. */
function demoRegister(enterprises: number) {
  const zone = generateZone({ enterprises, seed: 1 });
  return {
    substations: zone.substations.map(({ id, name, location, area, capacity }) => ({ id, name, location, area, capacity })),
    enterprises: zone.enterprises.map(({ id, name, industry, location, substationId, hazards }) => ({
      id,
      name,
      industry,
      location,
      substationId,
      hazards: {
        threeInOne: hazards.threeInOne,
        multiTenant: hazards.multiTenant,
        tenants: hazards.tenants,
        unauthorisedStructures: hazards.unauthorisedStructures,
        fireLaneBlocked: hazards.fireLaneBlocked,
        noSprinklers: hazards.noSprinklers,
      },
    })),
    devices: zone.devices.map(({ id, enterpriseId, type, reportIntervalS }) => ({ id, enterpriseId, type, reportIntervalS })),
  };
}

/** zone_import_s: the whole demo zone imported through importRegister (validate, plan, one transaction) into a fresh embedded PGlite. */
export async function benchZoneImport(enterprises = 2300): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'zone-bench-import-'));
  const sql = await openSqlClient({ dataDir });
  try {
    await migrate(sql);
    const body = demoRegister(enterprises);
    const started = process.hrtime.bigint();
    const { input, errors: inputErrors } = registerInputFromJson(body);
    const result = await importRegister(new ZoneRepository(sql), input, { dryRun: false, at: Date.now(), inputErrors });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (!result.applied) throw new Error(`zone import not applied: ${JSON.stringify(result.errors.slice(0, 3))}`);
    emit('zone_import_s', seconds, 's', { enterprises: body.enterprises.length, devices: body.devices.length });
    return seconds;
  } finally {
    await sql.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
