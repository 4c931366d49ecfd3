import { Injectable } from '@nestjs/common';

export type HealthProbe = () => Promise<unknown>;

/**
 * Dependencies a process needs, each with a probe that resolves (optionally
 * with details) when it is up. Modules register what they bring: storage the
 * database, the bus its broker, ingest its MQTT connections.
 */
@Injectable()
export class HealthChecks {
  private readonly probes = new Map<string, HealthProbe>();

  register(name: string, probe: HealthProbe): void {
    this.probes.set(name, probe);
  }

  entries(): Array<[string, HealthProbe]> {
    return [...this.probes];
  }
}
