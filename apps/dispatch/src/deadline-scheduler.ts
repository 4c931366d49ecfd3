import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { MilestoneName, SignalClass, signalClassPriority } from '@app/contracts';
import { CLOCK, DispatchConfig, InjectConfig } from '@app/config';
import { Clock } from '@app/domain';
import { EscalateMilestone, RenotifyMilestone } from '@app/incidents';
import { IncidentRecord, IncidentsRepository } from '@app/storage';
import { Deadline, DeadlineQueue } from './deadline-queue';

const MAX_TIMEOUT_MS = 2 ** 31 - 1;
const ESCALATIONS_IN_PARALLEL = 8;

/** Fire first; an incident a grade alone opened (class not known yet) is taken for a fire, as dispatch takes it. */
const firstToEscalate = (signalClass: SignalClass | null | undefined) => signalClassPriority(signalClass ?? 'fire');

/**
 * Fires escalations at their deadlines. The database is the source of truth:
 * a poll loads the deadlines falling within the next horizon into a heap and
 * one timer waits for the earliest, so a restart re-arms everything (and fires
 * at once what passed while the process was down) and memory holds only the
 * near future, not every open incident.
 */
@Injectable()
export class DeadlineScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DeadlineScheduler.name);
  private readonly queue = new DeadlineQueue();
  private readonly horizonMs: number;
  private timer: NodeJS.Timeout | null = null;
  private poller: NodeJS.Timeout | null = null;
  private firing = false;
  private stopped = false;

  constructor(
    @InjectConfig('dispatch') private readonly config: DispatchConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly incidents: IncidentsRepository,
    private readonly escalateMilestone: EscalateMilestone,
    private readonly renotifyMilestone: RenotifyMilestone,
  ) {
    this.horizonMs = Math.max(60_000, config.deadlinePollMs * 10);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.poll();
    this.poller = setInterval(
      () => void this.poll().catch((e: Error) => this.logger.warn(`deadline poll failed: ${e.message}`)),
      this.config.deadlinePollMs,
    );
  }

  onModuleDestroy(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.poller) clearInterval(this.poller);
  }

  get pending(): number {
    return this.queue.size;
  }

  /** Arms the deadlines of an incident just opened, without waiting for the next poll. */
  track(incident: IncidentRecord): void {
    const horizon = this.clock.now() + this.horizonMs;
    for (const m of incident.timeline.milestones) {
      if (m.at === null && m.dueAt <= horizon)
        this.queue.add({ incidentId: incident.id, milestone: m.name, kind: 'deadline', dueAt: m.dueAt, signalClass: incident.signalClass });
    }
    this.arm();
  }

  private async poll(): Promise<void> {
    const due = await this.incidents.pendingDeadlines(this.clock.now() + this.horizonMs, 10_000);
    for (const d of due) this.queue.add(d);
    this.arm();
  }

  private arm(): void {
    if (this.stopped || this.firing) return;
    if (this.timer) clearTimeout(this.timer);
    const next = this.queue.peek();
    if (!next) return;
    const delay = Math.min(MAX_TIMEOUT_MS, Math.max(0, next.dueAt - this.clock.now()));
    this.timer = setTimeout(() => void this.fire(), delay);
  }

  private async fire(): Promise<void> {
    this.timer = null;
    this.firing = true;
    try {
      // An incident's deadlines in due order, one after another; different incidents side by side, so
      // one escalation's round trips to the database and its events overlap the next one's.
      const byIncident = new Map<string, Deadline[]>();
      for (const d of this.queue.popDue(this.clock.now())) {
        const line = byIncident.get(d.incidentId);
        if (line) line.push(d);
        else byIncident.set(d.incidentId, [d]);
      }
      // Of the incidents due together, fires first; otherwise in due order (the sort is stable).
      const lines = [...byIncident.values()].sort((a, b) => firstToEscalate(a[0].signalClass) - firstToEscalate(b[0].signalClass));
      const worker = async () => {
        for (let line = lines.shift(); line && !this.stopped; line = lines.shift()) {
          for (const d of line) if (!this.stopped) await this.escalate(d);
        }
      };
      await Promise.all(Array.from({ length: Math.min(ESCALATIONS_IN_PARALLEL, lines.length) }, worker));
    } finally {
      this.firing = false;
      this.arm();
    }
  }

  private async escalate(d: Deadline): Promise<void> {
    const command = { incidentId: d.incidentId, milestone: d.milestone as MilestoneName };
    try {
      if (d.kind === 'renotify') await this.renotifyMilestone.execute(command);
      else await this.escalateMilestone.execute(command);
    } catch (e) {
      // A failure before the change was stored leaves it due in the database, so the next poll brings it back;
      // one after (its event refused by the bus) is logged by the use case with what was not published.
      this.logger.error(`escalation of ${d.incidentId}/${d.milestone} failed: ${(e as Error).message}`);
    }
  }
}
