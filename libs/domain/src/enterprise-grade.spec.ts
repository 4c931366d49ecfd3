import type { Grade } from '@app/contracts';
import { gradeEnterprise, type LiveFinding, type StandingHazards } from './enterprise-grade';

const none: StandingHazards = {
  threeInOne: false,
  multiTenant: false,
  tenants: 1,
  unauthorisedStructures: false,
  fireLaneBlocked: false,
  noSprinklers: false,
};

function finding(ruleId: string, grade: Grade, deviceId = 'E0001-D01'): LiveFinding {
  return { ruleId, metric: ruleId.split('.')[0], grade, deviceId };
}

describe('gradeEnterprise', () => {
  it.each<[string, LiveFinding[], Partial<StandingHazards>, Grade | null]>([
    ['nothing at all', [], {}, null],
    ['one live finding', [finding('co.high', 'yellow')], {}, 'yellow'],
    [
      'the worst live finding',
      [finding('co.high', 'yellow'), finding('gas_lel.high', 'red', 'D2'), finding('smoke.alarm', 'orange')],
      {},
      'red',
    ],
    [
      'smoke and heat together: confirmed fire',
      [finding('smoke.alarm', 'orange'), finding('temperature.fixed', 'orange', 'D2')],
      {},
      'red',
    ],
    ['smoke and rate-of-rise heat together', [finding('smoke.alarm', 'orange'), finding('temperature.rate-of-rise', 'orange')], {}, 'red'],
    ['smoke alone', [finding('smoke.alarm', 'orange')], {}, 'orange'],
    ['orange in three-in-one premises', [finding('gas_lel.high', 'orange')], { threeInOne: true }, 'red'],
    ['yellow in three-in-one premises stays yellow', [finding('co.high', 'yellow')], { threeInOne: true }, 'yellow'],
    ['one standing hazard', [], { unauthorisedStructures: true }, 'blue'],
    ['two standing hazards', [], { noSprinklers: true, fireLaneBlocked: true }, 'yellow'],
    ['let to 3 tenants and three-in-one', [], { multiTenant: true, tenants: 3, threeInOne: true }, 'yellow'],
    ['let to 2 tenants does not count', [], { multiTenant: true, tenants: 2, threeInOne: true }, 'blue'],
    ['let to 2 tenants alone', [], { multiTenant: true, tenants: 2 }, null],
    [
      'every standing hazard',
      [],
      { threeInOne: true, multiTenant: true, tenants: 12, unauthorisedStructures: true, fireLaneBlocked: true, noSprinklers: true },
      'yellow',
    ],
    [
      'standing worse than live',
      [finding('fire_door_open.hazard', 'blue')],
      { noSprinklers: true, unauthorisedStructures: true },
      'yellow',
    ],
    [
      'live worse than standing',
      [finding('residual_current.high', 'orange')],
      { noSprinklers: true, unauthorisedStructures: true },
      'orange',
    ],
  ])('%s', (_, findings, hazards, grade) => {
    expect(gradeEnterprise(findings, { ...none, ...hazards }).grade).toBe(grade);
  });

  it('names each finding and hazard, gravest finding first', () => {
    const { reasons } = gradeEnterprise(
      [
        finding('smoke.alarm', 'orange', 'E1-D02'),
        finding('co.high', 'yellow', 'E1-D01'),
        finding('temperature.fixed', 'orange', 'E1-D01'),
      ],
      { ...none, multiTenant: true, tenants: 5, noSprinklers: true },
    );
    expect(reasons).toEqual([
      'confirmed fire: smoke and heat alarms together',
      'temperature.fixed orange on E1-D01',
      'smoke.alarm orange on E1-D02',
      'co.high yellow on E1-D01',
      'let to 5 tenants',
      'no sprinklers',
    ]);
  });

  it('says why an orange finding became red in three-in-one premises', () => {
    expect(gradeEnterprise([finding('gas_lel.high', 'orange')], { ...none, threeInOne: true }).reasons).toEqual([
      'serious alarm in three-in-one premises where people sleep',
      'gas_lel.high orange on E0001-D01',
      'three-in-one premises',
    ]);
  });

  it('gives no reasons when there is nothing', () => {
    expect(gradeEnterprise([], none)).toEqual({ grade: null, reasons: [] });
  });
});
