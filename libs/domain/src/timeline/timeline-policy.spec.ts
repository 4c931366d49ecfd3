import { DEFAULT_TIMELINE_POLICY } from './timeline-policy';

describe('DEFAULT_TIMELINE_POLICY', () => {
  it('is the 1-3-5 rule', () => {
    expect(DEFAULT_TIMELINE_POLICY).toEqual({ acknowledgeS: 60, onSceneS: 180, underControlS: 300 });
  });
});
