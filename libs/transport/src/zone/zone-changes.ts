import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Topics, ZoneChangedV1, ZoneKind } from '@app/contracts';
import { Bus, BUS } from '../bus/bus';

export type ZoneChange = ZoneChangedV1['changed'];

/**
 * zone.v1 both ways: a register write announces what it changed, and every process that keeps register data in
 * memory hears of it in a broadcast group of its own, so each one (not one of a group) reloads within the second.
 */
@Injectable()
export class ZoneChanges {
  private readonly logger = new Logger(ZoneChanges.name);

  constructor(@Inject(BUS) private readonly bus: Bus) {}

  /**
   * Announces a change already stored. A notice that cannot go out does not undo the write (the database is the
   * truth and every cache also re-reads on its own), so it is logged, not thrown. Durable: in one process the
   * caller goes on only once every consumer took the change, so a device created through the API can publish at
   * once (the registry has reloaded before the answer leaves); across processes, once Kafka has it.
   */
  async notify(changed: ZoneChange, at: number, correlationId: string): Promise<void> {
    const value: ZoneChangedV1 = { v: 1, type: 'zone.changed', changed, at, correlationId };
    try {
      await this.bus.publish<ZoneChangedV1>(Topics.zone, [{ key: 'zone', value, headers: { correlationId } }], { durable: true });
    } catch (error) {
      this.logger.error({ correlationId, changed }, `zone change not announced: ${(error as Error).message}`);
    }
  }

  /** Calls `handler` with the ids changed of the kinds it asks for, for every change from now on. */
  async subscribe(
    name: string,
    kinds: readonly ZoneKind[],
    handler: (changed: ZoneChange, message: ZoneChangedV1) => Promise<void>,
  ): Promise<void> {
    await this.bus.subscribe<ZoneChangedV1>(
      Topics.zone,
      `${name}-zone-${randomUUID()}`,
      async (batch) => {
        for (const { value } of batch) {
          const relevant = Object.fromEntries(kinds.filter((k) => value.changed[k]?.length).map((k) => [k, value.changed[k]]));
          if (Object.keys(relevant).length > 0) await handler(relevant, value);
        }
      },
      { broadcast: true },
    );
  }
}
