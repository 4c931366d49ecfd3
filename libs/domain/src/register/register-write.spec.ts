import { INDICATOR_CATALOGUE } from './indicator-catalogue';
import { planRegisterImport, registerInputFromJson } from './register-plan';
import { emptyRegister, type RegisterRows } from './register-rows';
import { mergeRegisterPatch, planRegisterCreate, planRegisterPatch, RegisterWriteErrorCode } from './register-write';

function storedRegister(): RegisterRows {
  const { input } = registerInputFromJson({
    substations: [
      {
        id: 'S1',
        name: 'North',
        location: { lat: 30.5, lon: 120.5 },
        area: { minLat: 30, minLon: 120, maxLat: 31, maxLon: 121 },
        capacity: 3,
      },
    ],
    enterprises: [
      { id: 'E1', name: 'Acme', industry: 'textiles', location: { lat: 30.4, lon: 120.4 }, substationId: 'S1', hazards: { tenants: 3 } },
    ],
    devices: [{ id: 'D1', enterpriseId: 'E1', type: 'smoke_detector', reportIntervalS: 30 }],
    contacts: [{ id: 'C1', name: 'Wang Li', role: 'duty', substationId: 'S1' }],
  });
  const plan = planRegisterImport(input, emptyRegister(), INDICATOR_CATALOGUE);
  expect(plan.errors).toEqual([]);
  return plan.changes;
}

describe('mergeRegisterPatch', () => {
  it('merges nested objects field by field and replaces anything else', () => {
    expect(mergeRegisterPatch({ a: 1, h: { x: true, y: 2 }, l: { lat: 1, lon: 2 } }, { a: 2, h: { x: false }, l: { lat: 3 } })).toEqual({
      a: 2,
      h: { x: false, y: 2 },
      l: { lat: 3, lon: 2 },
    });
  });

  it('removes an indicator given as null, and keeps a null elsewhere for the schema to judge', () => {
    expect(
      mergeRegisterPatch({ indicators: { a: 1, b: 2 }, profile: { floors: 3 } }, { indicators: { a: null }, profile: { floors: null } }),
    ).toEqual({
      indicators: { b: 2 },
      profile: { floors: null },
    });
  });
});

describe('planRegisterCreate', () => {
  const stored = storedRegister();

  it('creates a valid row with its defaults', () => {
    const sut = planRegisterCreate(
      'devices',
      { id: 'D2', enterpriseId: 'E1', type: 'gas_detector', reportIntervalS: 60 },
      stored,
      INDICATOR_CATALOGUE,
    );
    expect(sut).toMatchObject({ ok: true, before: null, changed: true, after: { id: 'D2', status: 'active' } });
    expect(sut.ok && sut.changes.devices.map((d) => d.id)).toEqual(['D2']);
  });

  it.each([
    [
      'an id already stored',
      'devices',
      { id: 'D1', enterpriseId: 'E1', type: 'smoke_detector', reportIntervalS: 30 },
      RegisterWriteErrorCode.AlreadyExists,
      null,
    ],
    [
      'a wrong type',
      'devices',
      { id: 'D2', enterpriseId: 'E1', type: 'smoke_detector', reportIntervalS: 'often' },
      RegisterWriteErrorCode.Invalid,
      'reportIntervalS',
    ],
    [
      'an unknown device type',
      'devices',
      { id: 'D2', enterpriseId: 'E1', type: 'toaster', reportIntervalS: 30 },
      RegisterWriteErrorCode.Invalid,
      'type',
    ],
    [
      'an unknown enterprise',
      'devices',
      { id: 'D2', enterpriseId: 'E9', type: 'smoke_detector', reportIntervalS: 30 },
      RegisterWriteErrorCode.RegisterInvalid,
      'enterpriseId',
    ],
    [
      'a location outside every area',
      'enterprises',
      { id: 'E2', name: 'B', industry: 'x', location: { lat: 10, lon: 10 }, substationId: 'S1' },
      RegisterWriteErrorCode.RegisterInvalid,
      'location',
    ],
    [
      'an unknown indicator',
      'enterprises',
      { id: 'E2', name: 'B', industry: 'x', location: { lat: 30.1, lon: 120.1 }, substationId: 'S1', indicators: { no_such_code: 1 } },
      RegisterWriteErrorCode.RegisterInvalid,
      'indicators.no_such_code',
    ],
  ] as const)('refuses %s', (_, kind, body, code, field) => {
    const sut = planRegisterCreate(kind, body, stored, INDICATOR_CATALOGUE);
    expect(sut).toMatchObject({ ok: false, code });
    if (field !== null) expect(!sut.ok && sut.errors.map((e) => e.field)).toContain(field);
  });
});

describe('planRegisterPatch', () => {
  const stored = storedRegister();

  it('merges the patch into the stored row and keeps what it does not name', () => {
    const sut = planRegisterPatch('enterprises', 'E1', { hazards: { fireLaneBlocked: true } }, stored, INDICATOR_CATALOGUE);
    expect(sut).toMatchObject({ ok: true, changed: true, before: { hazards: { fireLaneBlocked: false, tenants: 3 } } });
    expect(sut.ok && sut.after).toMatchObject({ name: 'Acme', status: 'active', hazards: { fireLaneBlocked: true, tenants: 3 } });
  });

  it('retires, and a patch that changes nothing writes nothing', () => {
    expect(planRegisterPatch('devices', 'D1', { status: 'retired' }, stored, INDICATOR_CATALOGUE)).toMatchObject({
      ok: true,
      after: { status: 'retired' },
    });
    const same = planRegisterPatch('devices', 'D1', { reportIntervalS: 30 }, stored, INDICATOR_CATALOGUE);
    expect(same).toMatchObject({ ok: true, changed: false });
    expect(same.ok && same.changes.devices).toEqual([]);
  });

  it('retires a contact, and refuses a contact status that is neither', () => {
    const sut = planRegisterPatch('contacts', 'C1', { status: 'retired' }, stored, INDICATOR_CATALOGUE);
    expect(sut).toMatchObject({ ok: true, changed: true, before: { status: 'active' }, after: { id: 'C1', status: 'retired' } });
    expect(sut.ok && sut.changes.contacts).toEqual([expect.objectContaining({ id: 'C1', name: 'Wang Li', status: 'retired' })]);
    expect(planRegisterPatch('contacts', 'C1', { status: 'gone' }, stored, INDICATOR_CATALOGUE)).toMatchObject({
      ok: false,
      code: RegisterWriteErrorCode.Invalid,
    });
  });

  it.each([
    ['an unknown id', 'D9', {}, RegisterWriteErrorCode.NotFound],
    ['an id in the body not the path', 'D1', { id: 'D2' }, RegisterWriteErrorCode.IdMismatch],
    ['an unknown field', 'D1', { colour: 'red' }, RegisterWriteErrorCode.Invalid],
    ['a status that is neither', 'D1', { status: 'gone' }, RegisterWriteErrorCode.Invalid],
    ['a move to an unknown enterprise', 'D1', { enterpriseId: 'E9' }, RegisterWriteErrorCode.RegisterInvalid],
    ['a body that is not an object', 'D1', [1], RegisterWriteErrorCode.Invalid],
  ] as const)('refuses %s', (_, id, body, code) => {
    expect(planRegisterPatch('devices', id, body, stored, INDICATOR_CATALOGUE)).toMatchObject({ ok: false, code });
  });

  it('checks a moved enterprise against the areas', () => {
    const sut = planRegisterPatch('enterprises', 'E1', { location: { lat: 50 } }, stored, INDICATOR_CATALOGUE);
    expect(sut).toMatchObject({ ok: false, code: RegisterWriteErrorCode.RegisterInvalid, errors: [{ field: 'location' }] });
  });
});
