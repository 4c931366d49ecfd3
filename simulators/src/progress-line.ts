import { PublishStats } from './publish-stats';

/** A live line on stderr, rewritten once a second, only when stderr is a terminal. */
export class ProgressLine {
  private timer: NodeJS.Timeout | null = null;
  private lastSent = 0;
  private lastAt = Date.now();

  constructor(
    private readonly stats: PublishStats,
    private readonly label: () => string = () => '',
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  start(): void {
    if (!this.out.isTTY) return;
    this.timer = setInterval(() => this.draw(), 1000);
    this.timer.unref();
  }

  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = null;
    this.out.write('\r\x1b[K');
  }

  private draw(): void {
    const now = Date.now();
    const rate = ((this.stats.sent - this.lastSent) * 1000) / Math.max(1, now - this.lastAt);
    this.lastSent = this.stats.sent;
    this.lastAt = now;
    const s = this.stats;
    const label = this.label();
    this.out.write(
      `\r\x1b[K${Math.round((now - s.startedAt) / 1000)} s  devices ${s.online}/${s.devices}  ${Math.round(rate)} msg/s  sent ${s.sent}  errors ${s.errors}${label ? `  ${label}` : ''}`,
    );
  }
}
