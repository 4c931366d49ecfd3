import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DeadLetterV1, Topics } from '@app/contracts';
import { DeadLettersRepository } from '@app/storage';
import { Bus, BUS, BusMessage } from '@app/transport';
import { RiskMetrics } from './risk.metrics';

/** Stores whatever a boundary refused, with its reason, so it can be counted and inspected. */
@Injectable()
export class DeadLetterStore implements OnApplicationBootstrap {
  constructor(
    @Inject(BUS) private readonly bus: Bus,
    private readonly deadLetters: DeadLettersRepository,
    private readonly metrics: RiskMetrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.bus.subscribe<DeadLetterV1>(Topics.deadLetters, 'dead-letter-store', (batch) => this.store(batch), { maxBatch: 1000 });
  }

  private async store(batch: BusMessage<DeadLetterV1>[]): Promise<void> {
    await this.deadLetters.insertBatch(batch.map((m) => m.value));
    for (const m of batch) this.metrics.deadLetters.inc({ reason: m.value.reason });
  }
}
