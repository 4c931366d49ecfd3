import { renderOperatingMode } from './operating-mode-view';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const SET = { setBy: 'Ops', setAt: new Date(T0) };

describe('renderOperatingMode', () => {
  it('shows a mode in force with its until and reason', () => {
    expect(renderOperatingMode({ mode: 'disabled', until: new Date(T0 + 1000), reason: 'repair', ...SET }, T0)).toEqual({
      mode: 'disabled',
      until: '2026-01-05T10:00:01.000Z',
      reason: 'repair',
      setBy: 'Ops',
      setAt: '2026-01-05T10:00:00.000Z',
    });
  });

  it('shows a mode whose until has passed as normal, before the sweep stores it', () => {
    expect(renderOperatingMode({ mode: 'test', until: new Date(T0), reason: 'drill', ...SET }, T0)).toEqual({
      mode: 'normal',
      until: null,
      reason: null,
      setBy: 'Ops',
      setAt: '2026-01-05T10:00:00.000Z',
    });
  });

  it('shows nothing stored as normal', () => {
    expect(renderOperatingMode(undefined, T0)).toEqual({ mode: 'normal', until: null, reason: null, setBy: null, setAt: null });
  });
});
