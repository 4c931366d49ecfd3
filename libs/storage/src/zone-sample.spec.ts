import { join } from 'node:path';
import { emptyRegister, INDICATOR_CATALOGUE, planRegisterImport } from '@app/domain';
import { readRegisterSource } from './register-file';

const SAMPLE = join(__dirname, '../../../deploy/zone-sample');

describe('the sample register in deploy/zone-sample', () => {
  it('zone.json and the folder of CSV files are the same register, valid, every row new to an empty zone', async () => {
    const json = await readRegisterSource(join(SAMPLE, 'zone.json'));
    const csv = await readRegisterSource(SAMPLE);
    expect(json.errors).toEqual([]);
    expect(csv.errors).toEqual([]);

    const fromJson = planRegisterImport(json.input, emptyRegister(), INDICATOR_CATALOGUE);
    const fromCsv = planRegisterImport(csv.input, emptyRegister(), INDICATOR_CATALOGUE);
    expect(fromJson.errors).toEqual([]);
    expect(fromCsv.errors).toEqual([]);
    expect(fromJson.created).toEqual({ substations: 3, enterprises: 6, devices: 21, contacts: 9 });
    expect(fromCsv.changes).toEqual(fromJson.changes);
  });

  it('every enterprise lies inside the area of its substation and has a responsible contact; every substation a duty one', async () => {
    const { input } = await readRegisterSource(join(SAMPLE, 'zone.json'));
    const { changes } = planRegisterImport(input, emptyRegister(), INDICATOR_CATALOGUE);
    const areas = new Map(changes.substations.map((s) => [s.id, s.area]));
    for (const e of changes.enterprises) {
      const a = areas.get(e.substationId)!;
      expect([
        e.id,
        e.location.lat > a.minLat && e.location.lat < a.maxLat && e.location.lon > a.minLon && e.location.lon < a.maxLon,
      ]).toEqual([e.id, true]);
      expect(changes.contacts.filter((c) => c.enterpriseId === e.id && c.role === 'responsible')).toHaveLength(1);
    }
    for (const s of changes.substations)
      expect(changes.contacts.filter((c) => c.substationId === s.id && c.role === 'duty')).toHaveLength(1);
  });
});
