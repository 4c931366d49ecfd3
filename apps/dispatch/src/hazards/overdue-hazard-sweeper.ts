import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { HazardOverdueV1, Topics } from '@app/contracts';
import { CLOCK, DispatchConfig, InjectConfig } from '@app/config';
import { Clock } from '@app/domain';
import { InspectionsRepository, OverdueHazard } from '@app/storage';
import { Bus, BUS } from '@app/transport';

const BATCH = 100;

/** The bus's form of a claimed hazard. */
export function hazardOverdueEvent(h: OverdueHazard, at: number, correlationId: string): HazardOverdueV1 {
  return {
    v: 1,
    type: 'hazard.overdue',
    hazard: {
      id: h.id,
      inspectionId: h.inspectionId,
      enterpriseId: h.enterpriseId,
      substationId: h.substationId,
      kind: h.kind,
      severity: h.severity,
      status: h.status,
      deadline: h.deadline.getTime(),
      responsibleContactId: h.responsibleContactId,
      openedAt: h.openedAt.getTime(),
      reopenCount: h.reopenCount,
    },
    at,
    correlationId,
  };
}

/**
 * Raises hazard.overdue for every hazard still to be rectified past its deadline, once per deadline. The hazard's
 * overdue_notified_at is the record, so a restart tells what passed while the process was down and never tells
 * twice; several dispatch processes sweep at once without claiming the same hazard.
 */
@Injectable()
export class OverdueHazardSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OverdueHazardSweeper.name);
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<number> | null = null;

  constructor(
    @InjectConfig('dispatch') private readonly config: DispatchConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(BUS) private readonly bus: Bus,
    private readonly inspections: InspectionsRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweepOnce(), this.config.hazardSweepMs);
    this.timer.unref();
    void this.sweepOnce();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sweeping;
  }

  private async sweepOnce(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = this.sweep();
    await this.sweeping.catch((e: Error) => this.logger.warn(`hazard overdue sweep failed: ${e.message}`));
    this.sweeping = null;
  }

  /** Announces every hazard overdue now; the number announced. */
  async sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const now = this.clock.now();
      const claimed = await this.inspections.claimOverdue(now, BATCH, (hazards) =>
        this.bus.publish<HazardOverdueV1>(
          Topics.hazards,
          hazards.map((h) => {
            const correlationId = randomUUID();
            return { key: h.enterpriseId, value: hazardOverdueEvent(h, now, correlationId), headers: { correlationId } };
          }),
        ),
      );
      total += claimed.length;
      if (claimed.length < BATCH) return total;
    }
  }
}
