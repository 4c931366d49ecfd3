import { DEVICE_TYPES, MetricName, ReadingValue } from '@app/contracts';
import { DeviceSeed, mulberry32 } from '@app/domain';

export type Readings = Partial<Record<MetricName, ReadingValue>>;

interface NumericProfile {
  /** Where a device of this kind sits, spread per device by `spread`. */
  base: number;
  spread: number;
  /** Half the swing over a day, peaking mid-afternoon local time (the shop floor is warmest, the load highest). */
  dailyAmplitude: number;
  /** Gaussian noise per report. */
  noise: number;
  /** The random walk of calibration drift: standard deviation per minute, and how far it may wander. */
  driftPerMinute: number;
  driftBound: number;
  min: number;
  decimals: number;
}

// Normal operation stays clear of every rule in default-rules.json: the hydrant
// walk cannot fall 0.05 MPa in 2 minutes, gas cannot rise 2 %LEL a minute, and
// leakage stays well under 300 mA.
// Health metrics (battery, fault) are not part of ordinary readings: a scenario sets them.
const PROFILES: Record<Exclude<MetricName, 'fire_lane_blocked' | 'fire_door_open' | 'battery' | 'fault'>, NumericProfile> = {
  smoke: { base: 0.01, spread: 0.01, dailyAmplitude: 0.002, noise: 0.004, driftPerMinute: 0.0005, driftBound: 0.01, min: 0, decimals: 3 },
  temperature: { base: 21, spread: 4, dailyAmplitude: 3, noise: 0.2, driftPerMinute: 0.05, driftBound: 1.5, min: -20, decimals: 1 },
  gas_lel: { base: 0.5, spread: 1, dailyAmplitude: 0.3, noise: 0.2, driftPerMinute: 0.05, driftBound: 1, min: 0, decimals: 1 },
  co: { base: 2, spread: 3, dailyAmplitude: 1, noise: 0.8, driftPerMinute: 0.1, driftBound: 2, min: 0, decimals: 0 },
  residual_current: { base: 120, spread: 50, dailyAmplitude: 20, noise: 4, driftPerMinute: 1, driftBound: 15, min: 0, decimals: 0 },
  cable_temperature: { base: 34, spread: 6, dailyAmplitude: 6, noise: 0.4, driftPerMinute: 0.1, driftBound: 2, min: -20, decimals: 1 },
  hydrant_pressure: {
    base: 0.3,
    spread: 0.04,
    dailyAmplitude: 0.004,
    noise: 0.002,
    driftPerMinute: 0.0005,
    driftBound: 0.008,
    min: 0,
    decimals: 3,
  },
};

// The zone is in Zhejiang (UTC+8); the daily cycle peaks at 15:00 local time.
const LOCAL_OFFSET_H = 8;
const PEAK_HOUR = 15;
const DAY_MS = 86_400_000;

function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

function round(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}

/**
 * Ordinary readings of one device: its own level, a daily cycle, slow drift
 * and noise. Deterministic: the same device, seed and sequence of timestamps
 * always give the same readings.
 */
export class ReadingGenerator {
  private readonly random: () => number;
  private readonly levels = new Map<MetricName, number>();
  private readonly drift = new Map<MetricName, number>();
  private lastTs: number | null = null;

  constructor(
    readonly device: DeviceSeed,
    seed: number,
  ) {
    this.random = mulberry32(hashString(`${seed}:${device.id}`));
    for (const metric of DEVICE_TYPES[device.type].metrics) {
      if (metric in PROFILES) {
        const p = PROFILES[metric as keyof typeof PROFILES];
        this.levels.set(metric, p.base + p.spread * this.random());
        this.drift.set(metric, 0);
      }
    }
  }

  next(ts: number): Readings {
    const minutes = this.lastTs === null ? 0 : Math.max(0, ts - this.lastTs) / 60_000;
    this.lastTs = ts;
    const localHour = ((((ts + LOCAL_OFFSET_H * 3_600_000) % DAY_MS) + DAY_MS) % DAY_MS) / 3_600_000;
    const daily = Math.cos((2 * Math.PI * (localHour - PEAK_HOUR)) / 24);
    const readings: Readings = {};
    for (const metric of DEVICE_TYPES[this.device.type].metrics) {
      if (metric === 'fire_lane_blocked' || metric === 'fire_door_open') {
        readings[metric] = false;
        continue;
      }
      const p = PROFILES[metric];
      const walk = (this.drift.get(metric) ?? 0) + this.gaussian() * p.driftPerMinute * Math.sqrt(minutes);
      const drift = Math.max(-p.driftBound, Math.min(p.driftBound, walk));
      this.drift.set(metric, drift);
      const value = (this.levels.get(metric) ?? p.base) + p.dailyAmplitude * daily + drift + this.gaussian() * p.noise;
      readings[metric] = round(Math.max(p.min, value), p.decimals);
    }
    return readings;
  }

  private gaussian(): number {
    return Math.sqrt(-2 * Math.log(1 - this.random())) * Math.cos(2 * Math.PI * this.random());
  }
}
