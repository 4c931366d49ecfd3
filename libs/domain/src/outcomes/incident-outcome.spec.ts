import { checkResolution, FALSE_ALARM_CAUSES, OUTCOME_NOTE_MAX_LENGTH } from './incident-outcome';

describe('checkResolution', () => {
  it.each([
    [{ outcome: 'confirmed-fire' }],
    [{ outcome: 'false-alarm', cause: 'steam' }],
    [{ outcome: 'false-alarm', cause: 'unknown', note: 'nothing found on site' }],
    [{ outcome: 'device-fault', note: null }],
    [{ outcome: 'test' }],
    [{ outcome: 'other', note: 'x'.repeat(OUTCOME_NOTE_MAX_LENGTH) }],
  ])('accepts %j', (input) => {
    expect(checkResolution(input)).toEqual([]);
  });

  it.each([
    [{}, ['outcome']],
    [{ outcome: 'fire' }, ['outcome']],
    [{ outcome: 42 }, ['outcome']],
    [{ outcome: 'false-alarm' }, ['cause']],
    [{ outcome: 'false-alarm', cause: 'ghosts' }, ['cause']],
    [{ outcome: 'confirmed-fire', cause: 'steam' }, ['cause']],
    [{ outcome: 'test', note: 'x'.repeat(OUTCOME_NOTE_MAX_LENGTH + 1) }, ['note']],
    [{ outcome: 'nope', cause: 'nope', note: 7 }, ['outcome', 'cause', 'note']],
  ])('refuses %j naming %j', (input, fields) => {
    expect(checkResolution(input).map((p) => p.field)).toEqual(fields);
  });

  it('has a catalogue of unique cause codes that includes unknown', () => {
    const codes = FALSE_ALARM_CAUSES.map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).toEqual(
      expect.arrayContaining(['dust', 'steam', 'cooking', 'insects', 'device-fault', 'maintenance-work', 'malicious', 'unknown']),
    );
  });
});
