import { Module } from '@nestjs/common';
import { IncidentsModule } from '@app/incidents';
import { StorageModule } from '@app/storage';
import { BusModule } from '@app/transport';
import { DeadlineScheduler } from './deadline-scheduler';
import { DispatchMetrics, OpenIncidentsGauge } from './dispatch.metrics';
import { DispatchService } from './dispatch.service';
import { OverdueHazardSweeper } from './hazards/overdue-hazard-sweeper';
import { NotificationsModule } from './notifications/notifications.module';

@Module({
  imports: [StorageModule, BusModule, IncidentsModule, NotificationsModule],
  providers: [DispatchService, DeadlineScheduler, OverdueHazardSweeper, DispatchMetrics, OpenIncidentsGauge],
})
export class DispatchModule {}
