import { Module } from '@nestjs/common';
import { StorageModule } from '@app/storage';
import { BusModule } from '@app/transport';
import { IncidentChangeMetrics } from './incident-change-metrics';
import { IncidentEvents } from './incident-events';
import { IncidentTimelineUpdate } from './incident-timeline-update';
import { SubstationSnapshots } from './substation-snapshots';
import { AcknowledgeIncident } from './usecases/acknowledge-incident/acknowledge-incident';
import { EscalateMilestone } from './usecases/escalate-milestone/escalate-milestone';
import { RecordArrival } from './usecases/record-arrival/record-arrival';
import { RenotifyMilestone } from './usecases/renotify-milestone/renotify-milestone';
import { ResolveIncident } from './usecases/resolve-incident/resolve-incident';

const USE_CASES = [AcknowledgeIncident, RecordArrival, ResolveIncident, EscalateMilestone, RenotifyMilestone];

/** The incident changes the command center and dispatch share: they read and write incidents through storage and publish their events on the bus. */
@Module({
  imports: [StorageModule, BusModule],
  providers: [IncidentEvents, IncidentTimelineUpdate, IncidentChangeMetrics, SubstationSnapshots, ...USE_CASES],
  exports: [IncidentEvents, SubstationSnapshots, ...USE_CASES],
})
export class IncidentsModule {}
