import { Module } from '@nestjs/common';
import { StorageModule } from '@app/storage';
import { BusModule } from '@app/transport';
import { DeadLetterStore } from './dead-letter.store';
import { FindingsPublisher } from './findings-publisher';
import { OfflineMonitor } from './offline-monitor';
import { OperatingModesInForce } from './operating-modes-in-force';
import { ReadingsStore } from './readings-store';
import { RiskEngineService } from './risk-engine.service';
import { RiskMetrics } from './risk.metrics';
import { ruleSetProvider, RULE_SET } from './rule-set.provider';

@Module({
  imports: [StorageModule, BusModule],
  providers: [
    RiskEngineService,
    ReadingsStore,
    DeadLetterStore,
    RiskMetrics,
    FindingsPublisher,
    OfflineMonitor,
    OperatingModesInForce,
    ruleSetProvider,
  ],
  exports: [RULE_SET],
})
export class RiskEngineModule {}
