import { gradeRank, maxGrade, type Grade } from '@app/contracts';
import { HAZARD_CATALOGUE } from './inspections/hazard-catalogue';
import { countsInGrade, type HazardStatus } from './inspections/hazard-lifecycle';

export interface StandingHazards {
  threeInOne: boolean;
  multiTenant: boolean;
  tenants: number;
  unauthorisedStructures: boolean;
  fireLaneBlocked: boolean;
  noSprinklers: boolean;
}

/** A rule active on one of the enterprise's devices. */
export interface LiveFinding {
  ruleId: string;
  metric: string;
  grade: Grade;
  deviceId: string;
}

/** A hazard an inspection found at the enterprise; it weighs in the grade until a re-inspection verifies it. */
export interface InspectionHazard {
  id: string;
  kind: string;
  severity: Grade;
  status: HazardStatus;
  /** Epoch milliseconds. */
  deadline: number;
}

/** An enterprise always has one of the four grades. */
export interface EnterpriseGrade {
  grade: Grade;
  reasons: string[];
}

// A let factory counts as a standing hazard from three tenants up: two firms
// sharing a building still tend to share one fire-safety manager.
const MULTI_TENANT_MIN = 3;

function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The standing hazards that count towards the grade, by name. */
export function standingHazardNames(h: StandingHazards): string[] {
  const names: string[] = [];
  if (h.threeInOne) names.push('three-in-one premises');
  if (h.multiTenant && h.tenants >= MULTI_TENANT_MIN) names.push(`let to ${h.tenants} tenants`);
  if (h.unauthorisedStructures) names.push('unauthorised structures');
  if (h.fireLaneBlocked) names.push('fire lane blocked');
  if (h.noSprinklers) names.push('no sprinklers');
  return names;
}

const AWAITING: Partial<Record<HazardStatus, string>> = { rectified: ', rectified, awaiting re-inspection', reopened: ', reopened' };

function inspectionHazardReason(h: InspectionHazard): string {
  const name = HAZARD_CATALOGUE.byKind.get(h.kind)?.name ?? h.kind;
  const due = new Date(h.deadline).toISOString().slice(0, 10);
  return `inspection hazard: ${name} (${h.severity}, due ${due}${AWAITING[h.status] ?? ''})`;
}

/** Said when nothing at all weighs on an enterprise: it is blue, the least grade. */
export const NOTHING_STANDING = 'no live finding and no standing hazard';

/**
 * The grade an enterprise has with no live finding, from its standing hazards
 * alone: one or none is blue (the least grade: every enterprise has one), two
 * or more yellow. Standing hazards never reach orange: a register entry is a
 * known condition, not a new danger, so it never opens an incident by itself.
 */
export function standingGrade(hazards: StandingHazards): EnterpriseGrade {
  const standing = standingHazardNames(hazards);
  return { grade: standing.length >= 2 ? 'yellow' : 'blue', reasons: standing.length > 0 ? standing : [NOTHING_STANDING] };
}

/**
 * First-cut grading of an enterprise:
 * - live grade = the worst live finding;
 * - smoke and heat (temperature rule) findings active together are a confirmed fire: red;
 * - an orange live finding in three-in-one premises is red, because people sleep there;
 * - standing hazards alone: none or one is blue, two or more yellow (a let factory counts from 3 tenants);
 * - an inspection hazard not yet verified counts at its severity: unlike a register entry it is a danger found, so
 *   it may reach orange or red (the grade change says its cause, and dispatch opens no incident for it);
 * - the result is the worst of live, inspection and standing, so never below the standing grade and never null.
 * Reasons name every finding and hazard that went into it, gravest first.
 */
export function gradeEnterprise(
  findings: LiveFinding[],
  hazards: StandingHazards,
  inspectionHazards: readonly InspectionHazard[] = [],
): EnterpriseGrade {
  const reasons: string[] = [];
  let live: Grade | null = null;
  let smoke = false;
  let heat = false;
  for (const f of findings) {
    live = maxGrade(live, f.grade);
    if (f.metric === 'smoke') smoke = true;
    if (f.metric === 'temperature') heat = true;
  }
  if (smoke && heat) {
    live = 'red';
    reasons.push('confirmed fire: smoke and heat alarms together');
  }
  if (live === 'orange' && hazards.threeInOne) {
    live = 'red';
    reasons.push('serious alarm in three-in-one premises where people sleep');
  }
  const sorted = [...findings].sort(
    (a, b) => gradeRank(b.grade) - gradeRank(a.grade) || byText(a.deviceId, b.deviceId) || byText(a.ruleId, b.ruleId),
  );
  for (const f of sorted) reasons.push(`${f.ruleId} ${f.grade} on ${f.deviceId}`);

  let found: Grade | null = null;
  const counted = inspectionHazards
    .filter((h) => countsInGrade(h.status))
    .sort((a, b) => gradeRank(b.severity) - gradeRank(a.severity) || a.deadline - b.deadline || byText(a.id, b.id));
  for (const h of counted) {
    found = maxGrade(found, h.severity);
    reasons.push(inspectionHazardReason(h));
  }

  const standing = standingGrade(hazards);
  if (findings.length > 0 || counted.length > 0) reasons.push(...standing.reasons.filter((r) => r !== NOTHING_STANDING));
  else reasons.push(...standing.reasons);

  return { grade: maxGrade(maxGrade(live, found), standing.grade) ?? standing.grade, reasons };
}
