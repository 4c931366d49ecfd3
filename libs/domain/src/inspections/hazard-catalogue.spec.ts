import { findingSeverity, HAZARD_CATALOGUE, hazardCatalogue } from './hazard-catalogue';
import { RECTIFICATION_POLICY, rectificationDeadline, rectificationPolicy } from './rectification-policy';

describe('HAZARD_CATALOGUE', () => {
  it.each([
    'fire-lane-blocked',
    'evacuation-route-blocked',
    'unauthorised-structure',
    'three-in-one',
    'multi-tenant-no-separation',
    'fire-door-held-open',
    'extinguisher-missing',
    'hydrant-obstructed',
    'unsafe-wiring',
    'flammables-stored-unsafely',
    'emergency-lighting-faulty',
    'fire-system-not-maintained',
  ])('has %s, with an English and a Chinese name', (kind) => {
    const k = HAZARD_CATALOGUE.byKind.get(kind);
    expect(k?.name).toMatch(/\w/);
    expect(k?.nameZh).toMatch(/\p{Script=Han}/u);
  });

  it('grades a blocked fire lane orange unless the inspector says otherwise', () => {
    const lane = HAZARD_CATALOGUE.byKind.get('fire-lane-blocked')!;
    expect(findingSeverity(lane, undefined)).toBe('orange');
    expect(findingSeverity(lane, 'red')).toBe('red');
  });

  it.each([
    ['a kind twice', { description: 'x', kinds: [1, 2].map(() => ({ kind: 'a', name: 'a', defaultSeverity: 'red' })) }, /twice/],
    ['an unknown severity', { description: 'x', kinds: [{ kind: 'a', name: 'a', defaultSeverity: 'pink' }] }, /defaultSeverity/],
    ['an unknown field', { description: 'x', kinds: [{ kind: 'a', name: 'a', defaultSeverity: 'red', x: 1 }] }, /x/],
    ['no kinds', { description: 'x', kinds: [] }, /kinds/],
  ])('refuses a catalogue with %s', (_, file, message) => {
    expect(() => hazardCatalogue(file)).toThrow(message);
  });
});

describe('RECTIFICATION_POLICY', () => {
  it('gives red a day, orange three, yellow seven and blue thirty', () => {
    expect(RECTIFICATION_POLICY.deadlineHours).toEqual({ red: 24, orange: 72, yellow: 168, blue: 720 });
    expect(RECTIFICATION_POLICY.description).toMatch(/this project's choice/i);
    expect(rectificationDeadline(RECTIFICATION_POLICY, 'orange', Date.UTC(2026, 11, 2))).toBe(Date.UTC(2026, 11, 5));
  });

  it.each([
    ['a severity missing', { description: 'x', deadlineHours: { red: 24, orange: 72, yellow: 168 } }],
    ['a deadline of zero', { description: 'x', deadlineHours: { red: 0, orange: 72, yellow: 168, blue: 720 } }],
    ['no description', { deadlineHours: { red: 24, orange: 72, yellow: 168, blue: 720 } }],
  ])('refuses a policy with %s', (_, file) => {
    expect(() => rectificationPolicy(file)).toThrow();
  });
});
