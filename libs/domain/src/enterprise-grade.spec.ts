import { gradeRank, GRADES, type Grade } from '@app/contracts';
import {
  gradeEnterprise,
  NOTHING_STANDING,
  standingGrade,
  type InspectionHazard,
  type LiveFinding,
  type StandingHazards,
} from './enterprise-grade';
import { HAZARD_STATUSES, type HazardStatus } from './inspections/hazard-lifecycle';

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
  it.each<[string, LiveFinding[], Partial<StandingHazards>, Grade]>([
    ['nothing at all: blue, the least grade', [], {}, 'blue'],
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
    ['let to 2 tenants alone: blue at the least', [], { multiTenant: true, tenants: 2 }, 'blue'],
    ['a blue finding and nothing standing', [finding('fire_door_open.hazard', 'blue')], {}, 'blue'],
    ['a yellow finding over one standing hazard', [finding('co.high', 'yellow')], { noSprinklers: true }, 'yellow'],
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

  it('says blue is the least grade when nothing weighs on the enterprise', () => {
    expect(gradeEnterprise([], none)).toEqual({ grade: 'blue', reasons: [NOTHING_STANDING] });
  });

  it('does not say "nothing" once a live finding is there', () => {
    expect(gradeEnterprise([finding('co.high', 'yellow')], none)).toEqual({ grade: 'yellow', reasons: ['co.high yellow on E0001-D01'] });
  });
});

/** Every combination of the standing hazards, a let factory of 2 (does not count) and of 3 tenants (counts). */
function everyHazardSet(): StandingHazards[] {
  const sets: StandingHazards[] = [];
  for (let bits = 0; bits < 32; bits++) {
    for (const tenants of [2, 3]) {
      sets.push({
        threeInOne: (bits & 1) !== 0,
        multiTenant: (bits & 2) !== 0,
        tenants,
        unauthorisedStructures: (bits & 4) !== 0,
        fireLaneBlocked: (bits & 8) !== 0,
        noSprinklers: (bits & 16) !== 0,
      });
    }
  }
  return sets;
}

function counted(h: StandingHazards): number {
  return [h.threeInOne, h.multiTenant && h.tenants >= 3, h.unauthorisedStructures, h.fireLaneBlocked, h.noSprinklers].filter(Boolean)
    .length;
}

describe('standingGrade', () => {
  it.each<[string, Partial<StandingHazards>, Grade, string[]]>([
    ['no hazard', {}, 'blue', [NOTHING_STANDING]],
    ['a let factory of 2 tenants does not count', { multiTenant: true, tenants: 2 }, 'blue', [NOTHING_STANDING]],
    ['three-in-one', { threeInOne: true }, 'blue', ['three-in-one premises']],
    ['let to 3 tenants', { multiTenant: true, tenants: 3 }, 'blue', ['let to 3 tenants']],
    ['unauthorised structures', { unauthorisedStructures: true }, 'blue', ['unauthorised structures']],
    ['fire lane blocked', { fireLaneBlocked: true }, 'blue', ['fire lane blocked']],
    ['no sprinklers', { noSprinklers: true }, 'blue', ['no sprinklers']],
    ['two hazards', { threeInOne: true, fireLaneBlocked: true }, 'yellow', ['three-in-one premises', 'fire lane blocked']],
  ])('%s', (_, hazards, grade, reasons) => {
    expect(standingGrade({ ...none, ...hazards })).toEqual({ grade, reasons });
  });

  it.each(everyHazardSet().map((h) => [JSON.stringify(h), h] as const))(
    'every hazard set has a grade, blue at the least and never orange or red: %s',
    (_, hazards) => {
      const standing = standingGrade(hazards);
      expect(standing.grade).toBe(counted(hazards) >= 2 ? 'yellow' : 'blue');
      expect(standing.reasons.length).toBeGreaterThan(0);
      // With no live finding, the enterprise's grade is its standing grade: what it returns to when findings clear.
      expect(gradeEnterprise([], hazards)).toEqual(standing);
    },
  );

  it.each(everyHazardSet().map((h) => [JSON.stringify(h), h] as const))(
    'a live finding never grades below the standing grade: %s',
    (_, hazards) => {
      const standing = standingGrade(hazards).grade;
      for (const g of GRADES) {
        const graded = gradeEnterprise([finding('co.high', g)], hazards).grade;
        expect(gradeRank(graded)).toBeGreaterThanOrEqual(Math.max(gradeRank(standing), gradeRank(g)));
      }
    },
  );
});

const DUE = Date.UTC(2026, 11, 5, 9, 0, 0);

function inspectionHazard(kind: string, severity: Grade, status: HazardStatus = 'open', id = kind): InspectionHazard {
  return { id, kind, severity, status, deadline: DUE };
}

describe('gradeEnterprise with inspection hazards', () => {
  it.each<[string, LiveFinding[], Partial<StandingHazards>, InspectionHazard[], Grade]>([
    ['an orange finding of an inspection raises to orange', [], {}, [inspectionHazard('fire-lane-blocked', 'orange')], 'orange'],
    ['a red one to red', [], {}, [inspectionHazard('flammables-stored-unsafely', 'red')], 'red'],
    ['a rectified one still counts until verified', [], {}, [inspectionHazard('fire-lane-blocked', 'orange', 'rectified')], 'orange'],
    ['a reopened one counts', [], {}, [inspectionHazard('fire-lane-blocked', 'orange', 'reopened')], 'orange'],
    ['a verified one no longer counts', [], {}, [inspectionHazard('fire-lane-blocked', 'orange', 'verified')], 'blue'],
    [
      'the worst of live, inspection and standing',
      [finding('co.high', 'yellow')],
      { noSprinklers: true, fireLaneBlocked: true },
      [inspectionHazard('unsafe-wiring', 'orange'), inspectionHazard('extinguisher-missing', 'yellow')],
      'orange',
    ],
    [
      'a red live finding over an orange inspection hazard',
      [finding('gas_lel.high', 'red')],
      {},
      [inspectionHazard('unsafe-wiring', 'orange')],
      'red',
    ],
    [
      'an orange inspection hazard in three-in-one premises stays orange: only a live finding is made red there',
      [],
      { threeInOne: true },
      [inspectionHazard('unsafe-wiring', 'orange')],
      'orange',
    ],
  ])('%s', (_, findings, hazards, inspection, grade) => {
    expect(gradeEnterprise(findings, { ...none, ...hazards }, inspection).grade).toBe(grade);
  });

  it('names each hazard not yet verified, gravest and soonest due first, between the live findings and the standing hazards', () => {
    const { reasons } = gradeEnterprise([finding('co.high', 'yellow')], { ...none, noSprinklers: true }, [
      inspectionHazard('extinguisher-missing', 'yellow', 'reopened'),
      inspectionHazard('fire-lane-blocked', 'orange'),
      inspectionHazard('hydrant-obstructed', 'orange', 'rectified'),
      inspectionHazard('unsafe-wiring', 'red', 'verified'),
    ]);
    expect(reasons).toEqual([
      'co.high yellow on E0001-D01',
      'inspection hazard: blocked fire lane (orange, due 2026-12-05)',
      'inspection hazard: hydrant obstructed (orange, due 2026-12-05, rectified, awaiting re-inspection)',
      'inspection hazard: extinguisher missing or expired (yellow, due 2026-12-05, reopened)',
      'no sprinklers',
    ]);
  });

  it('does not say "nothing" while an inspection hazard counts, and does once it is verified', () => {
    expect(gradeEnterprise([], none, [inspectionHazard('fire-lane-blocked', 'blue')])).toEqual({
      grade: 'blue',
      reasons: ['inspection hazard: blocked fire lane (blue, due 2026-12-05)'],
    });
    expect(gradeEnterprise([], none, [inspectionHazard('fire-lane-blocked', 'orange', 'verified')])).toEqual({
      grade: 'blue',
      reasons: [NOTHING_STANDING],
    });
  });

  it.each(HAZARD_STATUSES.flatMap((status) => GRADES.map((severity) => [status, severity] as const)))(
    'a %s hazard of severity %s: counts at its severity unless verified, never below the standing grade',
    (status, severity) => {
      const hazards = { ...none, noSprinklers: true, fireLaneBlocked: true };
      const graded = gradeEnterprise([], hazards, [inspectionHazard('unsafe-wiring', severity, status)]).grade;
      const expected = status === 'verified' ? 'yellow' : gradeRank(severity) > gradeRank('yellow') ? severity : 'yellow';
      expect(graded).toBe(expected);
    },
  );
});
