import { Module } from '@nestjs/common';
import { DeadLetterStore } from './dead-letter.store';
import { RiskEngineService } from './risk-engine.service';
import { RiskMetrics } from './risk.metrics';

@Module({ providers: [RiskEngineService, DeadLetterStore, RiskMetrics] })
export class RiskEngineModule {}
