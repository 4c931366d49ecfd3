import type { IncidentSnapshotV1 } from '@app/contracts';
import { renderIncident } from './incident-view';
import { incident as incidentSchema } from './response-schemas';

const T0 = Date.UTC(2026, 4, 6, 7, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

function snapshot(overrides: Partial<IncidentSnapshotV1> = {}): IncidentSnapshotV1 {
  return {
    id: 'i-1',
    enterpriseId: 'E0001',
    substationId: 'S1',
    grade: 'red',
    class: 'fire',
    level: 2,
    status: 'onScene',
    dispatchedAt: T0,
    resolvedAt: null,
    assignmentReason: 'home-area',
    backupSubstationIds: ['S4'],
    alarmIds: ['a-1', 'a-2'],
    milestones: [
      { name: 'acknowledged', dueAt: T0 + 60_000, at: T0 + 60_000, by: 'duty@S1', escalatedAt: null, renotifications: 0 },
      { name: 'onScene', dueAt: T0 + 180_000, at: T0 + 181_000, by: 'crew@S4', escalatedAt: T0 + 180_500, renotifications: 1 },
      { name: 'underControl', dueAt: T0 + 300_000, at: null, by: null, escalatedAt: null, renotifications: 0 },
    ],
    escalations: [{ milestone: 'onScene', at: T0 + 180_500, dueAt: T0 + 180_000, backupSubstationId: 'S4' }],
    ...overrides,
  };
}

describe('renderIncident', () => {
  it('shows the incident with the SPEC field names, ISO-8601 UTC times, and met as reached by the due time', () => {
    const view = renderIncident(snapshot(), T0 + 200_000);

    expect(view).toEqual({
      id: 'i-1',
      enterpriseId: 'E0001',
      substationId: 'S1',
      grade: 'red',
      class: 'fire',
      level: 2,
      status: 'onScene',
      dispatchedAt: iso(T0),
      resolvedAt: null,
      assignmentReason: 'home-area',
      backupSubstationIds: ['S4'],
      alarmIds: ['a-1', 'a-2'],
      milestones: [
        { name: 'acknowledged', dueAt: iso(T0 + 60_000), at: iso(T0 + 60_000), met: true, by: 'duty@S1', renotifications: 0 },
        { name: 'onScene', dueAt: iso(T0 + 180_000), at: iso(T0 + 181_000), met: false, by: 'crew@S4', renotifications: 1 },
        { name: 'underControl', dueAt: iso(T0 + 300_000), at: null, met: null, by: null, renotifications: 0 },
      ],
      escalations: [{ milestone: 'onScene', at: iso(T0 + 180_500), dueAt: iso(T0 + 180_000), backupSubstationId: 'S4' }],
      resolution: null,
    });
    expect(Object.keys(view)).toEqual([
      'id',
      'enterpriseId',
      'substationId',
      'grade',
      'class',
      'level',
      'status',
      'dispatchedAt',
      'resolvedAt',
      'assignmentReason',
      'backupSubstationIds',
      'alarmIds',
      'milestones',
      'escalations',
      'resolution',
    ]);
    expect(incidentSchema.parse(view)).toEqual(view);
  });

  it.each<[string, number, boolean | null]>([
    ['exactly at its due time', T0 + 300_000, null],
    ['1 ms after its due time', T0 + 300_001, false],
  ])('shows a milestone not yet reached %s as met %p', (_when, now, met) => {
    const view = renderIncident(snapshot(), now);
    expect(view.milestones.map((m) => m.met)).toEqual([true, false, met]);
    expect(incidentSchema.parse(view)).toEqual(view);
  });

  it('gives a resolved incident its resolution time, and its outcome with who resolved it and when', () => {
    const s = snapshot();
    const milestones = s.milestones.map((m) => (m.name === 'underControl' ? { ...m, at: T0 + 290_000, by: 'crew@S1' } : m));
    const resolution = { outcome: 'false-alarm', cause: 'steam', note: 'kettle' } as const;
    const view = renderIncident(snapshot({ status: 'resolved', resolvedAt: T0 + 290_000, milestones, resolution }), T0 + 290_000);
    expect(view).toMatchObject({
      status: 'resolved',
      resolvedAt: iso(T0 + 290_000),
      resolution: { ...resolution, by: 'crew@S1', at: iso(T0 + 290_000) },
    });
    expect(incidentSchema.parse(view)).toEqual(view);
  });

  it('shows no resolution for an event from before outcomes were recorded', () => {
    expect(renderIncident(snapshot({ status: 'resolved', resolvedAt: T0 + 290_000 }), T0 + 290_000).resolution).toBeNull();
  });

  it('shows no class for an event from before signal classes', () => {
    const { class: _absent, ...before } = snapshot();
    expect(renderIncident(before, T0).class).toBeNull();
  });
});
