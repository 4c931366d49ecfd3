import { ManualClock } from '@app/testing/manual-clock';
import type { OperatingModeChange, OperatingModesRepository } from '@app/storage';
import type { OperatingModeAnnouncer } from './operating-mode-announcer';
import { SetOperatingMode, SetOperatingModeCommand } from './set-operating-mode';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const MIN = 60_000;

const CHANGE: OperatingModeChange = {
  target: 'device',
  id: 'd-1',
  enterpriseId: 'E1',
  before: { mode: 'normal', until: null, reason: null, setBy: null, setAt: null },
  after: { mode: 'test', until: new Date(T0 + MIN), reason: 'drill', setBy: 'Ops', setAt: new Date(T0) },
  deviceIds: ['d-1'],
  cleared: [],
};

function setup(stored: OperatingModeChange | null = CHANGE) {
  const set = jest.fn<ReturnType<OperatingModesRepository['set']>, Parameters<OperatingModesRepository['set']>>(async () => stored);
  const announce = jest.fn<ReturnType<OperatingModeAnnouncer['announce']>, Parameters<OperatingModeAnnouncer['announce']>>(
    async () => undefined,
  );
  const sut = new SetOperatingMode(
    new ManualClock(T0),
    { set } as unknown as OperatingModesRepository,
    { announce } as unknown as OperatingModeAnnouncer,
  );
  return { sut, set, announce };
}

const command = (request: SetOperatingModeCommand['request']): SetOperatingModeCommand => ({
  target: 'device',
  id: 'd-1',
  request,
  by: 'Ops',
  correlationId: 'c-1',
});

describe('SetOperatingMode', () => {
  it('stores the mode with who set it and when, then announces it', async () => {
    const { sut, set, announce } = setup();
    await expect(sut.execute(command({ mode: 'test', until: T0 + MIN, reason: ' drill ' }))).resolves.toEqual({
      kind: 'done',
      change: CHANGE,
    });
    expect(set).toHaveBeenCalledWith('device', 'd-1', { mode: 'test', until: T0 + MIN, reason: 'drill' }, 'Ops', T0);
    expect(announce).toHaveBeenCalledWith(CHANGE, T0, 'c-1');
  });

  it('refuses a body the rules refuse, and writes nothing', async () => {
    const { sut, set, announce } = setup();
    await expect(sut.execute(command({ mode: 'disabled', until: T0 - 1, reason: 'r' }))).resolves.toMatchObject({
      kind: 'refused',
      problem: 'UNTIL_NOT_IN_FUTURE',
    });
    expect(set).not.toHaveBeenCalled();
    expect(announce).not.toHaveBeenCalled();
  });

  it('says not-found for an unknown device and announces nothing', async () => {
    const { sut, announce } = setup(null);
    await expect(sut.execute(command({ mode: 'normal' }))).resolves.toEqual({ kind: 'not-found' });
    expect(announce).not.toHaveBeenCalled();
  });
});
