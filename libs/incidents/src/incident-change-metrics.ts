import { Injectable } from '@nestjs/common';
import { counter, histogram } from '@app/observability';

/** What the escalation use cases count, as soon as a change is stored (before its event goes out). */
@Injectable()
export class IncidentChangeMetrics {
  readonly escalations = counter({
    name: 'zone_milestones_missed_total',
    help: 'Missed milestones escalated, by milestone',
    labelNames: ['milestone'],
  });
  readonly renotifications = counter({
    name: 'zone_renotifications_total',
    help: 'Re-notifications of escalated milestones still unmet',
    labelNames: ['milestone'],
  });
  readonly escalationLateness = histogram({
    name: 'zone_escalation_lateness_seconds',
    help: 'How long after its deadline an escalation fired',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 300],
  });
}
