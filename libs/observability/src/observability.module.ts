import { Module } from '@nestjs/common';
import { HealthChecks } from './health-checks';
import { HealthController } from './health.controller';

/**
 * /health and /metrics for every process. A module that brings a dependency imports it to register the
 * dependency's probe; static, so every process has one HealthChecks.
 */
@Module({ controllers: [HealthController], providers: [HealthChecks], exports: [HealthChecks] })
export class ObservabilityModule {}
