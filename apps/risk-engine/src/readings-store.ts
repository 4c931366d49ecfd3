import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { TelemetryReadingV1, Topics } from '@app/contracts';
import { ReadingRow, ReadingsRepository } from '@app/storage';
import { Bus, BUS, BusMessage } from '@app/transport';
import { RiskMetrics } from './risk.metrics';

/**
 * Stores every reading, as a consumer group of its own on the telemetry
 * topic: the rules (RiskEngineService) read the same batches beside it and
 * never wait for a bulk insert. A batch counts as consumed only once stored,
 * and ingest acknowledges a reading to its device only once every group took
 * it, so an acknowledged reading is stored.
 */
@Injectable()
export class ReadingsStore implements OnApplicationBootstrap {
  constructor(
    @Inject(BUS) private readonly bus: Bus,
    private readonly readings: ReadingsRepository,
    private readonly metrics: RiskMetrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.bus.subscribe<TelemetryReadingV1>(
      Topics.telemetry,
      'readings-store',
      async (batch) => {
        await this.store(batch);
      },
      {
        maxBatch: 5000,
        lingerMs: 20,
      },
    );
  }

  async store(batch: BusMessage<TelemetryReadingV1>[]): Promise<number> {
    const rows: ReadingRow[] = [];
    for (const { value: r } of batch) {
      for (const [metric, v] of Object.entries(r.readings)) rows.push({ ts: r.ts, deviceId: r.deviceId, metric, value: v });
    }
    const stored = await this.readings.insertBatch(rows);
    this.metrics.readingsStored.inc(stored);
    return stored;
  }
}
