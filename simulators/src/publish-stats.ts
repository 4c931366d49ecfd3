/** What a simulator run has done so far; read by the progress line and the summary. */
export class PublishStats {
  readonly startedAt = Date.now();
  sent = 0;
  errors = 0;
  inFlight = 0;
  devices = 0;
  online = 0;
  lastError: string | null = null;

  failed(e: unknown): void {
    this.errors++;
    this.lastError = (e as Error)?.message ?? String(e);
  }

  summary(now = Date.now()): string {
    const s = Math.max(0.001, (now - this.startedAt) / 1000);
    return `${this.devices} devices, ${this.sent} messages in ${s.toFixed(1)} s (${Math.round(this.sent / s)} msg/s), ${this.errors} errors${this.lastError ? ` (last: ${this.lastError})` : ''}`;
  }
}
