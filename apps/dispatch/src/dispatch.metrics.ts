import { Injectable, OnModuleInit } from '@nestjs/common';
import { INCIDENT_STATUSES } from '@app/contracts';
import { IncidentsRepository } from '@app/storage';
import { counter, gauge } from '@app/observability';

@Injectable()
export class DispatchMetrics {
  readonly incidentsOpened = counter({ name: 'zone_incidents_opened_total', help: 'Incidents opened, by grade', labelNames: ['grade'] });
  readonly alarmsJoined = counter({
    name: 'zone_incident_alarms_joined_total',
    help: 'Alarms that joined an open incident of their enterprise instead of opening another (storm control)',
  });
}

/** Open incidents read from the database at each scrape, so every dispatch process reports the zone's number. */
@Injectable()
export class OpenIncidentsGauge implements OnModuleInit {
  constructor(private readonly incidents: IncidentsRepository) {}

  onModuleInit(): void {
    const incidents = this.incidents;
    gauge(
      {
        name: 'zone_incidents_open',
        help: 'Incidents not yet resolved, zone-wide, by status',
        labelNames: ['status'],
        async collect() {
          const counts = new Map((await incidents.countOpenByStatus()).map((c) => [c.status, c.count]));
          for (const status of INCIDENT_STATUSES) if (status !== 'resolved') this.set({ status }, counts.get(status) ?? 0);
        },
      },
      { replace: true },
    );
  }
}
