import { Fleet } from './fleet';
import { PublishStats } from './publish-stats';
import { ScenarioClock } from './scenario-clock';

/** Something to do at a scenario second. */
export interface TimedAction {
  at: number;
  run: () => Promise<void> | void;
}

export interface DriveOptions {
  fleet: Fleet;
  clock: ScenarioClock;
  stats: PublishStats;
  /** Scenario seconds to run; Infinity until aborted. */
  durationS: number;
  actions?: readonly TimedAction[];
  /** Called on every pass of the loop with the scenario second. */
  onTick?: (s: number) => Promise<void> | void;
  signal?: AbortSignal;
}

const MAX_SLEEP_MS = 100;

/** Runs the fleet in real time scaled by the clock's speed, doing each action at its second; waits for the last acknowledgements. */
export async function driveFleet(o: DriveOptions): Promise<void> {
  const actions = [...(o.actions ?? [])].sort((a, b) => a.at - b.at);
  let next = 0;
  while (!o.signal?.aborted) {
    const s = Math.min(o.clock.scenarioSeconds(Date.now()), o.durationS);
    while (next < actions.length && actions[next].at <= s) await actions[next++].run();
    o.fleet.tick(s);
    await o.onTick?.(s);
    if (s >= o.durationS) break;
    const wake = Math.min(
      o.clock.wallAt(actions[next]?.at ?? Infinity),
      o.clock.wallAt(o.fleet.nextDueS() ?? Infinity),
      o.clock.wallAt(o.durationS),
      Date.now() + MAX_SLEEP_MS,
    );
    await new Promise((r) => setTimeout(r, Math.max(1, wake - Date.now())));
  }
  const drainUntil = Date.now() + 10_000;
  while (o.stats.inFlight > 0 && Date.now() < drainUntil) await new Promise((r) => setTimeout(r, 20));
}
