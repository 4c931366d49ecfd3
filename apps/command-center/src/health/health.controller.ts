import { Controller, Get, HttpStatus, Inject, Optional, Res } from '@nestjs/common';
import type { Response } from 'express';
import { collectDefaultMetrics, register } from 'prom-client';
import { SQL_CLIENT, SqlClient } from '@app/storage';
import { Bus, BUS, EmbeddedMqttBroker } from '@app/transport';

collectDefaultMetrics();

const TIMEOUT_MS = 2000;

function withTimeout(p: Promise<unknown>): Promise<void> {
  return Promise.race([
    p.then(() => undefined),
    new Promise<void>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${TIMEOUT_MS} ms`)), TIMEOUT_MS).unref()),
  ]);
}

@Controller()
export class HealthController {
  constructor(
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    @Inject(BUS) private readonly bus: Bus,
    @Optional() private readonly broker?: EmbeddedMqttBroker,
  ) {}

  /** Readiness of every dependency: 200 when all are up, 503 naming the one that is not. */
  @Get('health')
  async health(@Res() res: Response): Promise<void> {
    const checks: Record<string, { status: 'up' | 'down'; error?: string; detail?: unknown }> = {};
    const probe = async (name: string, fn: () => Promise<unknown>, detail?: unknown) => {
      try {
        await withTimeout(fn());
        checks[name] = { status: 'up', ...(detail === undefined ? {} : { detail }) };
      } catch (e) {
        checks[name] = { status: 'down', error: (e as Error).message };
      }
    };
    await probe('database', () => this.sql.ping(), { kind: this.sql.kind, timescale: this.sql.timescale });
    await probe('bus', () => this.bus.ping());
    if (this.broker && this.broker.running) {
      await probe('mqttBroker', async () => undefined, { embedded: true, clients: this.broker.connectedClients });
    }
    const ok = Object.values(checks).every((c) => c.status === 'up');
    res.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json({ status: ok ? 'ok' : 'unavailable', checks });
  }

  @Get('metrics')
  async metrics(@Res() res: Response): Promise<void> {
    res.type(register.contentType).send(await register.metrics());
  }
}
