import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags, type SchemaObject } from '@nestjs/swagger';
import type { Response } from 'express';
import { collectDefaultMetrics, register } from 'prom-client';
import { z } from 'zod';
import { HealthChecks } from './health-checks';

collectDefaultMetrics();

const TIMEOUT_MS = 2000;

function withTimeout<T>(p: Promise<T>): Promise<T> {
  const timeout = new Promise<T>((_, reject) => {
    setTimeout(() => reject(new Error(`no answer in ${TIMEOUT_MS} ms`)), TIMEOUT_MS).unref();
  });
  return Promise.race([p, timeout]);
}

/** The body of GET /health, as the API document shows it. */
export const healthBody = z.strictObject({
  status: z.enum(['ok', 'unavailable']),
  checks: z
    .record(z.string(), z.strictObject({ status: z.enum(['up', 'down']), error: z.string().optional(), detail: z.unknown().optional() }))
    .describe('one entry per dependency: database, bus, MQTT broker, ...'),
});
const healthSchema = z.toJSONSchema(healthBody, { target: 'openapi-3.0' }) as SchemaObject;

@Controller()
@ApiTags('health')
export class HealthController {
  constructor(private readonly checks: HealthChecks) {}

  /** Readiness of every dependency: 200 when all are up, 503 naming the one that is not. */
  @Get('health')
  @ApiOperation({ summary: 'Readiness of every dependency' })
  @ApiResponse({ status: 200, description: 'every dependency is up', schema: healthSchema })
  @ApiResponse({ status: 503, description: 'a dependency is down; its entry says why', schema: healthSchema })
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
  @ApiOperation({ summary: 'Prometheus metrics' })
  @ApiProduces('text/plain')
  @ApiResponse({ status: 200, description: 'the Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } })
  async metrics(@Res() res: Response): Promise<void> {
    res.type(register.contentType).send(await register.metrics());
  }
}
