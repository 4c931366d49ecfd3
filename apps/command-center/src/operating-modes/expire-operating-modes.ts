import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CLOCK } from '@app/config';
import { Clock } from '@app/domain';
import { AuditActor, AuditRepository, OperatingModesRepository } from '@app/storage';
import { renderOperatingMode } from './operating-mode-view';
import { OperatingModeAnnouncer } from './operating-mode-announcer';

/** Who ends a mode at its until, as the audit log names it. */
export const MODE_EXPIRY_ACTOR: AuditActor = { tokenId: 'system', name: 'mode expiry', role: 'system' };

/**
 * A mode is normal from its until whatever is stored (every reader judges it at use, so a restart after until
 * starts normal), but its alarms, rule state, grade and screens follow only once the change is stored and
 * announced: a second is what the SPEC allows a change to take to be live.
 */
const SWEEP_EVERY_MS = 1000;

/**
 * Ends test and disabled modes whose until has passed: stores normal, audits it under the system actor and
 * announces it like an operator's change. Every command center sweeps; the row lock and the expiry check in the
 * same transaction make one of them do each.
 */
@Injectable()
export class ExpireOperatingModes implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ExpireOperatingModes.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly modes: OperatingModesRepository,
    private readonly audit: AuditRepository,
    private readonly announcer: OperatingModeAnnouncer,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.execute()
        .catch((e: Error) => this.logger.warn(`mode expiry failed: ${e.message}`))
        .finally(() => (this.running = null));
    }, SWEEP_EVERY_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Returns how many modes it ended. */
  async execute(): Promise<number> {
    const now = this.clock.now();
    let ended = 0;
    for (const { target, id } of await this.modes.expired(now)) {
      const change = await this.modes.expire(target, id, MODE_EXPIRY_ACTOR.name, now);
      if (!change) continue;
      const correlationId = randomUUID();
      await this.audit.append({
        at: new Date(now),
        actor: MODE_EXPIRY_ACTOR,
        action: `${target}.mode`,
        entity: target,
        entityId: id,
        // The before as it was stored, not as it reads now (expired, so normal): the record says what ended.
        before: renderOperatingMode(change.before, change.before.until!.getTime() - 1),
        after: renderOperatingMode(change.after, now),
        correlationId,
      });
      await this.announcer.announce(change, now, correlationId);
      ended++;
    }
    return ended;
  }
}
