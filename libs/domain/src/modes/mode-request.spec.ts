import { decideMode, MAX_MODE_MS } from './mode-request';

const NOW = Date.parse('2026-03-01T10:00:00Z');

describe('decideMode', () => {
  it('normal ends the mode whatever until says', () => {
    expect(decideMode({ mode: 'normal', until: NOW - 1 }, NOW)).toEqual({ ok: true, mode: 'normal', until: null, reason: null });
    expect(decideMode({ mode: 'normal', reason: ' done ' }, NOW)).toEqual({ ok: true, mode: 'normal', until: null, reason: 'done' });
  });

  it.each(['test', 'disabled'] as const)('%s with a future until and a reason is taken, the reason trimmed', (mode) => {
    expect(decideMode({ mode, until: NOW + 1000, reason: ' drill ' }, NOW)).toEqual({ ok: true, mode, until: NOW + 1000, reason: 'drill' });
  });

  it('takes an until exactly at the bound', () => {
    expect(decideMode({ mode: 'test', until: NOW + MAX_MODE_MS, reason: 'r' }, NOW).ok).toBe(true);
  });

  it.each([
    ['no until', { mode: 'test' as const, reason: 'r' }, 'UNTIL_REQUIRED'],
    ['until now', { mode: 'test' as const, until: NOW, reason: 'r' }, 'UNTIL_NOT_IN_FUTURE'],
    ['until in the past', { mode: 'disabled' as const, until: NOW - 1, reason: 'r' }, 'UNTIL_NOT_IN_FUTURE'],
    ['until beyond the bound', { mode: 'disabled' as const, until: NOW + MAX_MODE_MS + 1, reason: 'r' }, 'UNTIL_TOO_FAR'],
    ['no reason', { mode: 'test' as const, until: NOW + 1 }, 'REASON_REQUIRED'],
    ['a blank reason', { mode: 'test' as const, until: NOW + 1, reason: '   ' }, 'REASON_REQUIRED'],
    ['a reason too long', { mode: 'test' as const, until: NOW + 1, reason: 'x'.repeat(501) }, 'REASON_TOO_LONG'],
  ])('refuses %s', (_name, request, problem) => {
    expect(decideMode(request, NOW)).toMatchObject({ ok: false, problem });
  });
});
