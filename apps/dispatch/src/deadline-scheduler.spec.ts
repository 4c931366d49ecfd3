import { loadConfig } from '@app/config';
import { EscalateMilestone, RenotifyMilestone } from '@app/incidents';
import { IncidentsRepository, PendingDeadline } from '@app/storage';
import { ManualClock } from '@app/testing';
import { DeadlineScheduler } from './deadline-scheduler';

const T0 = Date.UTC(2026, 11, 3, 8, 0, 0);

describe('DeadlineScheduler', () => {
  function setup(due: PendingDeadline[]) {
    const clock = new ManualClock(T0 + 10_000);
    const started: string[] = [];
    const incidents = { pendingDeadlines: jest.fn().mockResolvedValue(due) } as unknown as IncidentsRepository;
    const escalate = {
      execute: jest.fn(async (c: { incidentId: string; milestone: string }) => void started.push(`${c.incidentId}/${c.milestone}`)),
    } as unknown as EscalateMilestone;
    const renotify = { execute: jest.fn() } as unknown as RenotifyMilestone;
    const sut = new DeadlineScheduler(loadConfig({ LOG_LEVEL: 'silent' }).dispatch, clock, incidents, escalate, renotify);
    return { sut, started };
  }

  const deadline = (
    incidentId: string,
    milestone: string,
    dueAt: number,
    signalClass: PendingDeadline['signalClass'],
  ): PendingDeadline => ({
    incidentId,
    milestone: milestone as PendingDeadline['milestone'],
    kind: 'deadline',
    dueAt,
    signalClass,
  });

  afterEach(() => jest.useRealTimers());

  it('escalates the fires among deadlines due together first (a grade-opened incident with them), then by class and due order, each incident in its own order', async () => {
    jest.useFakeTimers({ now: T0 + 10_000 });
    const { sut, started } = setup([
      deadline('gas-1', 'acknowledged', T0, 'alarm'),
      deadline('door-1', 'acknowledged', T0 + 1000, 'supervisory'),
      deadline('gas-2', 'acknowledged', T0 + 2000, 'alarm'),
      deadline('fire-1', 'acknowledged', T0 + 3000, 'fire'),
      deadline('fire-1', 'onScene', T0 + 4000, 'fire'),
      deadline('graded-1', 'acknowledged', T0 + 5000, null),
    ]);
    await sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);
    sut.onModuleDestroy();

    expect(started).toEqual([
      'fire-1/acknowledged',
      'graded-1/acknowledged',
      'gas-1/acknowledged',
      'gas-2/acknowledged',
      'door-1/acknowledged',
      'fire-1/onScene',
    ]);
  });
});
