import { Module } from '@nestjs/common';
import { DeadLetterStore } from './dead-letter.store';
import { FindingsPublisher } from './findings-publisher';
import { OfflineMonitor } from './offline-monitor';
import { RiskEngineService } from './risk-engine.service';
import { RiskMetrics } from './risk.metrics';
import { ruleSetProvider, RULE_SET } from './rule-set.provider';

@Module({
  providers: [RiskEngineService, DeadLetterStore, RiskMetrics, FindingsPublisher, OfflineMonitor, ruleSetProvider],
  exports: [RULE_SET],
})
export class RiskEngineModule {}
