import { effectiveMode, modeAt, StoredMode } from './operating-mode';

const NOW = Date.parse('2026-03-01T10:00:00Z');
const test: StoredMode = { mode: 'test', until: NOW + 60_000 };
const disabled: StoredMode = { mode: 'disabled', until: NOW + 60_000 };
const expiredTest: StoredMode = { mode: 'test', until: NOW };
const expiredDisabled: StoredMode = { mode: 'disabled', until: NOW - 1 };
const normal: StoredMode = { mode: 'normal', until: null };
const testWithoutUntil: StoredMode = { mode: 'test', until: null };

describe('modeAt', () => {
  it.each([
    ['nothing stored', undefined, 'normal'],
    ['normal', normal, 'normal'],
    ['test before until', test, 'test'],
    ['disabled before until', disabled, 'disabled'],
    ['test at until', expiredTest, 'normal'],
    ['disabled after until', expiredDisabled, 'normal'],
    ['test without until', testWithoutUntil, 'normal'],
  ])('%s is %s', (_name, stored, expected) => {
    expect(modeAt(stored, NOW)).toBe(expected);
  });
});

describe('effectiveMode', () => {
  it.each([
    [undefined, undefined, 'normal'],
    [normal, normal, 'normal'],
    [test, undefined, 'test'],
    [undefined, test, 'test'],
    [disabled, undefined, 'disabled'],
    [undefined, disabled, 'disabled'],
    [test, disabled, 'disabled'],
    [disabled, test, 'disabled'],
    [test, test, 'test'],
    [expiredDisabled, test, 'test'],
    [test, expiredDisabled, 'test'],
    [expiredTest, expiredDisabled, 'normal'],
  ])('device %j with enterprise %j is %s', (device, enterprise, expected) => {
    expect(effectiveMode(device, enterprise, NOW)).toBe(expected);
  });
});
