import { INDICATOR_CATALOGUE } from './indicator-catalogue';
import { parseRegisterCsv, renderRegisterCsv } from './register-csv';
import { planRegisterImport, registerInputFromJson, type RegisterInput } from './register-plan';
import { emptyRegister, type RegisterRows } from './register-rows';

const substation = {
  id: 'S1',
  name: 'North',
  location: { lat: 30.5, lon: 120.5 },
  area: { minLat: 30, minLon: 120, maxLat: 31, maxLon: 121 },
  capacity: 3,
};
const enterprise = {
  id: 'E1',
  name: 'Acme Dyeing',
  industry: 'textiles',
  location: { lat: 30.4, lon: 120.4 },
  substationId: 'S1',
  indicators: { fire_extinguishers: 12, dust_explosion_risk: 'low' },
};
const device = { id: 'D1', enterpriseId: 'E1', type: 'smoke_detector', reportIntervalS: 30 };
const contact = { id: 'C1', name: 'Wang Li', phone: '+86 571 0000', email: 'wang@example.cn', role: 'duty', substationId: 'S1' };

function input(rows: Partial<Record<keyof RegisterRows, unknown[]>>): RegisterInput {
  const { input: result, errors } = registerInputFromJson(rows);
  expect(errors).toEqual([]);
  return result;
}

function plan(rows: Partial<Record<keyof RegisterRows, unknown[]>>, stored: RegisterRows = emptyRegister()) {
  return planRegisterImport(input(rows), stored, INDICATOR_CATALOGUE);
}

describe('planRegisterImport', () => {
  it('creates every row of a valid register, with defaults filled in', () => {
    const sut = plan({ substations: [substation], enterprises: [enterprise], devices: [device], contacts: [contact] });
    expect(sut.errors).toEqual([]);
    expect(sut.created).toEqual({ substations: 1, enterprises: 1, devices: 1, contacts: 1 });
    expect(sut.changes.enterprises[0]).toMatchObject({
      address: '',
      status: 'active',
      hazards: { threeInOne: false, tenants: 0 },
      profile: { floors: null, areaM2: null, occupants: null },
    });
    expect(sut.changes.contacts[0].enterpriseId).toBeNull();
  });

  it('counts a stored row given again as unchanged, a changed one as updated, and writes only those', () => {
    const first = plan({ substations: [substation], enterprises: [enterprise] });
    const again = plan({ substations: [substation], enterprises: [{ ...enterprise, name: 'Acme Dyeing Co.' }] }, first.changes);
    expect(again.errors).toEqual([]);
    expect(again.unchanged.substations).toBe(1);
    expect(again.updated.enterprises).toBe(1);
    expect(again.changes.substations).toEqual([]);
    expect(again.changes.enterprises.map((e) => e.name)).toEqual(['Acme Dyeing Co.']);
  });

  it('refers to what is stored as well as to what is imported', () => {
    const stored = plan({ substations: [substation], enterprises: [enterprise] }).changes;
    expect(plan({ devices: [device], contacts: [{ ...contact, substationId: null, enterpriseId: 'E1' }] }, stored).errors).toEqual([]);
  });

  const bad: [string, Partial<Record<keyof RegisterRows, unknown[]>>, object][] = [
    ['a wrong type', { substations: [{ ...substation, capacity: 'three' }] }, { kind: 'substations', row: 1, id: 'S1', field: 'capacity' }],
    ['a missing field', { substations: [{ ...substation, name: undefined }] }, { kind: 'substations', row: 1, id: 'S1', field: 'name' }],
    ['an unknown field', { devices: [{ ...device, colour: 'red' }] }, { kind: 'devices', row: 1, id: 'D1', field: 'colour' }],
    [
      'an unknown substation',
      { substations: [substation], enterprises: [{ ...enterprise, substationId: 'S9' }] },
      { kind: 'enterprises', row: 1, id: 'E1', field: 'substationId', message: 'unknown substation S9' },
    ],
    [
      'a duplicate id',
      { substations: [substation, { ...substation, name: 'Again' }] },
      { kind: 'substations', row: 2, id: 'S1', field: 'id', message: 'duplicate id, first at row 1' },
    ],
    [
      'a device of an unknown type',
      { substations: [substation], enterprises: [enterprise], devices: [{ ...device, type: 'toaster' }] },
      { kind: 'devices', row: 1, id: 'D1', field: 'type' },
    ],
    ['a device of an unknown enterprise', { devices: [device] }, { kind: 'devices', row: 1, id: 'D1', field: 'enterpriseId' }],
    [
      'coordinates outside every substation area',
      { substations: [substation], enterprises: [{ ...enterprise, location: { lat: 29, lon: 120.5 } }] },
      { kind: 'enterprises', row: 1, id: 'E1', field: 'location' },
    ],
    [
      'an unknown indicator',
      { substations: [substation], enterprises: [{ ...enterprise, indicators: { shoe_size: 42 } }] },
      { kind: 'enterprises', id: 'E1', field: 'indicators.shoe_size', message: 'unknown indicator shoe_size' },
    ],
    [
      'an indicator of the wrong type',
      { substations: [substation], enterprises: [{ ...enterprise, indicators: { fire_extinguishers: 'many' } }] },
      { kind: 'enterprises', id: 'E1', field: 'indicators.fire_extinguishers' },
    ],
    [
      'an indicator value not allowed',
      { substations: [substation], enterprises: [{ ...enterprise, indicators: { dust_explosion_risk: 'extreme' } }] },
      { kind: 'enterprises', id: 'E1', field: 'indicators.dust_explosion_risk' },
    ],
    [
      'a contact of both an enterprise and a substation',
      { substations: [substation], contacts: [{ ...contact, enterpriseId: 'E1' }] },
      { kind: 'contacts', row: 1, id: 'C1', field: 'enterpriseId' },
    ],
    ['a contact of an unknown substation', { contacts: [contact] }, { kind: 'contacts', id: 'C1', field: 'substationId' }],
    [
      'a contact with a bad role',
      { substations: [substation], contacts: [{ ...contact, role: 'boss' }] },
      { kind: 'contacts', field: 'role' },
    ],
    ['an area the wrong way round', { substations: [{ ...substation, area: { ...substation.area, minLat: 32 } }] }, { field: 'area' }],
  ];
  it.each(bad)('names the row and field of %s', (_name, rows, expected) => {
    const sut = plan(rows);
    expect(sut.errors).toContainEqual(expect.objectContaining(expected));
  });

  it('lists every bad row, not only the first', () => {
    const sut = plan({
      substations: [
        { ...substation, capacity: 0 },
        { ...substation, id: 'S2', location: 'here' },
      ],
    });
    expect(sut.errors.map((e) => [e.row, e.field])).toEqual([
      [1, 'capacity'],
      [2, 'location'],
    ]);
  });

  it('refuses a body that is not a register', () => {
    expect(registerInputFromJson([]).errors).toHaveLength(1);
    expect(registerInputFromJson({ buildings: [] }).errors).toEqual([expect.objectContaining({ field: 'buildings' })]);
    expect(registerInputFromJson({ devices: {} }).errors).toEqual([expect.objectContaining({ kind: 'devices' })]);
  });
});

describe('register CSV', () => {
  const csv = (text: string) => new TextEncoder().encode(text);

  it('reads dotted headers into nested fields, cells as their column type, rows by their line', () => {
    const sut = parseRegisterCsv(
      'enterprises',
      csv(
        'id,name,industry,location.lat,location.lon,substationId,hazards.threeInOne,profile.floors,indicators.fire_extinguishers,indicators.business_licence_no\n' +
          'E1,"Acme, Ltd",textiles,30.4,120.4,S1,true,3,12,0123\n',
      ),
      INDICATOR_CATALOGUE,
    );
    expect(sut.errors).toEqual([]);
    expect(sut.rows).toEqual([
      {
        row: 2,
        value: {
          id: 'E1',
          name: 'Acme, Ltd',
          industry: 'textiles',
          location: { lat: 30.4, lon: 120.4 },
          substationId: 'S1',
          hazards: { threeInOne: true },
          profile: { floors: 3 },
          indicators: { fire_extinguishers: 12, business_licence_no: '0123' },
        },
      },
    ]);
  });

  it('names each missing column', () => {
    const sut = parseRegisterCsv('devices', csv('id,type\nD1,smoke_detector\n'), INDICATOR_CATALOGUE);
    expect(sut.errors).toEqual([
      { kind: 'devices', row: 1, id: null, field: 'enterpriseId', message: 'missing column' },
      { kind: 'devices', row: 1, id: null, field: 'reportIntervalS', message: 'missing column' },
    ]);
  });

  it('names an unknown column and an unknown indicator column', () => {
    const sut = parseRegisterCsv('enterprises', csv('id,colour,indicators.shoe_size\n'), INDICATOR_CATALOGUE);
    expect(sut.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'colour', message: 'unknown column' }),
        expect.objectContaining({ field: 'indicators.shoe_size' }),
      ]),
    );
  });

  it('refuses a file that is not UTF-8, naming its line', () => {
    const gbk = Uint8Array.from([...csv('id,enterpriseId,type,reportIntervalS\nD1,E1,smoke_detector,30\nD2,'), 0xb9, 0xa4, 0x0a]);
    expect(parseRegisterCsv('devices', gbk, INDICATOR_CATALOGUE).errors).toEqual([
      expect.objectContaining({ kind: 'devices', row: 3, message: expect.stringContaining('UTF-8') }),
    ]);
  });

  it('refuses a row with a different number of cells', () => {
    const sut = parseRegisterCsv('devices', csv('id,enterpriseId,type,reportIntervalS\nD1,E1\n'), INDICATOR_CATALOGUE);
    expect(sut.errors).toEqual([expect.objectContaining({ kind: 'devices', row: 2 })]);
  });

  it('a wrong type in a cell is a row error naming the field', () => {
    const { rows } = parseRegisterCsv(
      'devices',
      csv('id,enterpriseId,type,reportIntervalS\nD1,E1,smoke_detector,often\n'),
      INDICATOR_CATALOGUE,
    );
    const stored = plan({ substations: [substation], enterprises: [enterprise] }).changes;
    expect(planRegisterImport({ devices: rows }, stored, INDICATOR_CATALOGUE).errors).toEqual([
      expect.objectContaining({ kind: 'devices', row: 2, id: 'D1', field: 'reportIntervalS' }),
    ]);
  });

  it('reads a contacts file without a status column (written before contacts had one) as active contacts', () => {
    const { rows, errors } = parseRegisterCsv('contacts', csv('id,name,role,substationId\nC1,Wang Li,duty,S1\n'), INDICATOR_CATALOGUE);
    expect(errors).toEqual([]);
    const sut = planRegisterImport({ contacts: rows }, plan({ substations: [substation] }).changes, INDICATOR_CATALOGUE);
    expect(sut.errors).toEqual([]);
    expect(sut.changes.contacts).toEqual([expect.objectContaining({ id: 'C1', status: 'active' })]);
  });

  it('renders a retired contact with its status, and reads it back unchanged', () => {
    const register = plan({ substations: [substation], contacts: [{ ...contact, status: 'retired' }] }).changes;
    const text = renderRegisterCsv('contacts', register, INDICATOR_CATALOGUE);
    expect(text.split('\n')[0]).toBe('id,name,phone,email,role,enterpriseId,substationId,status');
    const { rows } = parseRegisterCsv('contacts', csv(text), INDICATOR_CATALOGUE);
    expect(rows[0].value).toMatchObject({ id: 'C1', status: 'retired' });
    expect(planRegisterImport({ contacts: rows }, register, INDICATOR_CATALOGUE).unchanged.contacts).toBe(1);
  });

  it('renders what it reads back unchanged', () => {
    const register = plan({
      substations: [substation],
      enterprises: [{ ...enterprise, address: '1 Canal Rd, "Block B"', profile: { floors: 4 } }],
      devices: [device],
      contacts: [contact],
    }).changes;
    for (const kind of ['substations', 'enterprises', 'devices', 'contacts'] as const) {
      const { rows, errors } = parseRegisterCsv(kind, csv(renderRegisterCsv(kind, register, INDICATOR_CATALOGUE)), INDICATOR_CATALOGUE);
      expect(errors).toEqual([]);
      const again = planRegisterImport({ [kind]: rows }, register, INDICATOR_CATALOGUE);
      expect(again.errors).toEqual([]);
      expect(again.unchanged[kind]).toBe(1);
    }
  });
});
