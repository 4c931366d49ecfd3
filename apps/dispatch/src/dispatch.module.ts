import { Module } from '@nestjs/common';
import { IncidentsModule } from '@app/incidents';
import { DeadlineScheduler } from './deadline-scheduler';
import { DispatchMetrics, OpenIncidentsGauge } from './dispatch.metrics';
import { DispatchService } from './dispatch.service';

@Module({ imports: [IncidentsModule], providers: [DispatchService, DeadlineScheduler, DispatchMetrics, OpenIncidentsGauge] })
export class DispatchModule {}
