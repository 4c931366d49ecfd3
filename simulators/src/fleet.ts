import { MetricName, ReadingValue, telemetryTopic } from '@app/contracts';
import { BinaryHeap, DeviceSeed } from '@app/domain';
import { DeviceLinks, OfflineMode } from './device-links';
import { MetricOverride, overrideValue } from './metric-override';
import { ReadingGenerator, Readings } from './reading-generator';
import { ScenarioClock } from './scenario-clock';
import { PublishStats } from './publish-stats';
import { mulberry32 } from '@app/domain';

interface SimulatedDevice {
  seed: DeviceSeed;
  generator: ReadingGenerator;
  overrides: Map<MetricName, MetricOverride>;
  last: Readings;
  intervalS: number;
  seq: number;
  online: boolean;
  /** Bumped whenever the device is rescheduled, so stale queue entries are skipped. */
  generation: number;
}

/** A device's next report: due at scenario second `due`, skipped if the device was rescheduled since (`generation`). */
interface DueReport {
  due: number;
  id: string;
  generation: number;
}

/** Messages allowed to wait for their PUBACK at once before the fleet holds back. */
const MAX_IN_FLIGHT = 2000;

/**
 * The devices of a run, each reporting at its own interval in scenario time,
 * with ordinary readings unless a scenario holds a metric (set or ramp).
 */
export class Fleet {
  private readonly devices = new Map<string, SimulatedDevice>();
  private readonly queue = new BinaryHeap<DueReport>((a, b) => a.due < b.due);

  constructor(
    seeds: readonly DeviceSeed[],
    seed: number,
    private readonly clock: ScenarioClock,
    private readonly links: DeviceLinks,
    private readonly stats: PublishStats,
  ) {
    const phase = mulberry32(seed);
    // Sequence numbers continue across runs instead of restarting at 1: ingest refuses a repeat of the last one it saw.
    const seqBase = Math.floor(clock.timestampAt(0) / 1000);
    for (const s of seeds) {
      const d: SimulatedDevice = {
        seed: s,
        generator: new ReadingGenerator(s, seed),
        overrides: new Map(),
        last: {},
        intervalS: s.reportIntervalS,
        seq: seqBase,
        online: true,
        generation: 0,
      };
      this.devices.set(s.id, d);
      this.queue.push({ due: phase() * s.reportIntervalS, id: s.id, generation: 0 });
    }
    stats.devices = seeds.length;
  }

  /** Scenario second of the next report, if any device is online. */
  nextDueS(): number | undefined {
    return this.queue.peek()?.due;
  }

  /** Publishes every report due by scenario second s (without waiting for acknowledgements). */
  tick(s: number): void {
    for (;;) {
      const next = this.queue.peek();
      if (next === undefined || next.due > s || this.stats.inFlight >= MAX_IN_FLIGHT) return;
      this.queue.pop();
      const d = this.devices.get(next.id)!;
      if (next.generation !== d.generation || !d.online) continue;
      // Not awaited: a fleet keeps up to MAX_IN_FLIGHT publishes open at once; publish() counts its own failures.
      void this.report(d, next.due);
      this.queue.push({ due: next.due + d.intervalS, id: d.seed.id, generation: d.generation });
    }
  }

  /** Holds metrics at values; the devices report at once (detectors report on change). */
  set(ids: readonly string[], values: Partial<Record<MetricName, ReadingValue>>, s: number): void {
    for (const d of this.pick(ids)) {
      for (const [metric, value] of Object.entries(values) as Array<[MetricName, ReadingValue]>)
        d.overrides.set(metric, { kind: 'set', value });
      this.reportNow(d, s);
    }
  }

  /** Moves metrics linearly from where they are (or `from`) to `to` over `overS` scenario seconds. */
  ramp(ids: readonly string[], ramps: Partial<Record<MetricName, { from?: number; to: number; overS: number }>>, s: number): void {
    for (const d of this.pick(ids)) {
      for (const [metric, r] of Object.entries(ramps) as Array<[MetricName, { from?: number; to: number; overS: number }]>) {
        const current = d.overrides.has(metric)
          ? overrideValue(d.overrides.get(metric)!, s)
          : (d.last[metric] ?? d.generator.next(this.clock.timestampAt(s))[metric]);
        const from = r.from ?? (typeof current === 'number' ? current : 0);
        d.overrides.set(metric, { kind: 'ramp', from, to: r.to, startS: s, overS: r.overS });
      }
      this.reportNow(d, s);
    }
  }

  /** Back to ordinary readings at the ordinary interval. */
  normal(ids: readonly string[], s: number): void {
    for (const d of this.pick(ids)) {
      d.overrides.clear();
      d.intervalS = d.seed.reportIntervalS;
      this.reportNow(d, s);
    }
  }

  reportEvery(ids: readonly string[], intervalS: number, s: number): void {
    for (const d of this.pick(ids)) {
      d.intervalS = intervalS;
      this.reschedule(d, s + intervalS);
    }
  }

  async offline(ids: readonly string[], mode: OfflineMode): Promise<void> {
    await Promise.all(
      this.pick(ids)
        .filter((d) => d.online)
        .map((d) => {
          d.online = false;
          d.generation++;
          return this.links.offline(d.seed, mode);
        }),
    );
  }

  async online(ids: readonly string[], s: number): Promise<void> {
    await Promise.all(
      this.pick(ids)
        .filter((d) => !d.online)
        .map(async (d) => {
          d.online = true;
          await this.links.online(d.seed);
          this.reportNow(d, s);
        }),
    );
  }

  private pick(ids: readonly string[]): SimulatedDevice[] {
    return ids.map((id) => {
      const d = this.devices.get(id);
      if (!d) throw new Error(`device ${id} is not part of this run`);
      return d;
    });
  }

  private reportNow(d: SimulatedDevice, s: number): void {
    if (!d.online) return;
    // Not awaited, as in tick(): publish() counts its own failures.
    void this.report(d, s);
    this.reschedule(d, s + d.intervalS);
  }

  private reschedule(d: SimulatedDevice, dueS: number): void {
    d.generation++;
    if (d.online) this.queue.push({ due: dueS, id: d.seed.id, generation: d.generation });
  }

  private report(d: SimulatedDevice, s: number): Promise<void> {
    const ts = this.clock.timestampAt(s);
    const readings = d.generator.next(ts);
    for (const [metric, o] of d.overrides) readings[metric] = overrideValue(o, s);
    d.last = readings;
    d.seq++;
    return this.links.publish(d.seed.id, telemetryTopic(d.seed.enterpriseId, d.seed.id), JSON.stringify({ ts, seq: d.seq, readings }), 1);
  }
}
