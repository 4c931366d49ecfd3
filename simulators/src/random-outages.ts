import { mulberry32 } from '@app/domain';
import { Fleet } from './fleet';

const MIN_OUTAGE_S = 60;
const MAX_OUTAGE_S = 600;

/**
 * Devices losing power now and then and coming back 1-10 minutes later, at
 * `perDay` outages per device per day on average. Deterministic per seed.
 */
export class RandomOutages {
  private readonly random: () => number;
  private readonly back = new Map<string, number>();
  private lastS = 0;

  constructor(
    private readonly fleet: Fleet,
    private readonly deviceIds: readonly string[],
    private readonly perDay: number,
    seed: number,
  ) {
    this.random = mulberry32(seed ^ 0x5eed);
  }

  async tick(s: number): Promise<void> {
    const dt = s - this.lastS;
    if (dt < 1) return;
    this.lastS = s;
    const returning = [...this.back].filter(([, at]) => at <= s).map(([id]) => id);
    returning.forEach((id) => this.back.delete(id));
    if (returning.length > 0) await this.fleet.online(returning, s);
    const p = (this.perDay * dt) / 86_400;
    const cut = this.deviceIds.filter((id) => !this.back.has(id) && this.random() < p);
    for (const id of cut) this.back.set(id, s + MIN_OUTAGE_S + this.random() * (MAX_OUTAGE_S - MIN_OUTAGE_S));
    if (cut.length > 0) await this.fleet.offline(cut, 'power-cut');
  }
}
