import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import type { Response } from 'express';
import { collectDefaultMetrics, register } from 'prom-client';
import { HealthChecks } from './health-checks';

collectDefaultMetrics();

const TIMEOUT_MS = 2000;

function withTimeout<T>(p: Promise<T>): Promise<T> {
  const timeout = new Promise<T>((_, reject) => {
    setTimeout(() => reject(new Error(`no answer in ${TIMEOUT_MS} ms`)), TIMEOUT_MS).unref();
  });
  return Promise.race([p, timeout]);
}

@Controller()
export class HealthController {
  constructor(private readonly checks: HealthChecks) {}

  /** Readiness of every dependency: 200 when all are up, 503 naming the one that is not. */
  @Get('health')
  async health(@Res() res: Response): Promise<void> {
    const checks: Record<string, { status: 'up' | 'down'; error?: string; detail?: unknown }> = {};
    await Promise.all(
      this.checks.entries().map(async ([name, probe]) => {
        try {
          const detail = await withTimeout(probe());
          checks[name] = detail === undefined ? { status: 'up' } : { status: 'up', detail };
        } catch (e) {
          checks[name] = { status: 'down', error: (e as Error).message };
        }
      }),
    );
    const ok = Object.values(checks).every((c) => c.status === 'up');
    res.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json({ status: ok ? 'ok' : 'unavailable', checks });
  }

  @Get('metrics')
  async metrics(@Res() res: Response): Promise<void> {
    res.type(register.contentType).send(await register.metrics());
  }
}
