import { Module } from '@nestjs/common';
import { StorageModule } from '@app/storage';
import { BusModule } from '@app/transport';
import { DeadlineScheduler } from './deadline-scheduler';
import { DispatchMetrics, OpenIncidentsGauge } from './dispatch.metrics';
import { DispatchService } from './dispatch.service';
import { EscalationService } from './escalation.service';
import { SubstationSnapshots } from './substation-snapshots';

@Module({
  imports: [StorageModule, BusModule],
  providers: [DispatchService, DeadlineScheduler, EscalationService, SubstationSnapshots, DispatchMetrics, OpenIncidentsGauge],
})
export class DispatchModule {}
