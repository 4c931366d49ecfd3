import type { Grade, IncidentEventV2 } from '@app/contracts';
import { DEFAULT_TIMELINE_POLICY, generateZone, openTimeline, TimelinePolicy, gradeEnterprise } from '@app/domain';
import { IncidentRecord, IncidentsRepository, SqlClient, ZoneRepository } from '@app/storage';
import type { StorageBackend, TestDatabase } from './storage-backends';
import type { Bus, BusMessage } from '@app/transport';
import { IncidentEvents, IncidentTimelineUpdate } from '@app/incidents';

/** A bus that keeps what is published to it, or refuses it while `refusal` is set. */
export class RecordingBus implements Bus {
  readonly published: Array<BusMessage<IncidentEventV2> & { topic: string }> = [];
  refusal: Error | null = null;
  async publish<T>(topic: string, messages: BusMessage<T>[]): Promise<void> {
    if (this.refusal) throw this.refusal;
    this.published.push(...(messages as unknown as BusMessage<IncidentEventV2>[]).map((m) => ({ ...m, topic })));
    return Promise.resolve();
  }
  subscribe(): Promise<void> {
    return Promise.resolve();
  }
  ping(): Promise<void> {
    return Promise.resolve();
  }
  lag() {
    return [];
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

export interface UseCaseFixture {
  db: TestDatabase;
  sql: SqlClient;
  incidents: IncidentsRepository;
  zone: ZoneRepository;
  bus: RecordingBus;
  timeline: IncidentTimelineUpdate;
  /** Opens an incident dispatched at `at` to `substationId` for enterprise `enterpriseId`. */
  open(
    id: string,
    enterpriseId: string,
    at: number,
    options?: { substationId?: string; grade?: Grade; policy?: TimelinePolicy },
  ): Promise<IncidentRecord>;
  dispose(): Promise<void>;
}

// When the zone of a fixture was seeded: before any incident a spec opens.
const SEEDED_AT = Date.UTC(2026, 0, 1);

/** A fresh store with a seeded zone, and the shared timeline path publishing to a recording bus. */
export async function useCaseFixture(backend: StorageBackend): Promise<UseCaseFixture> {
  const db = await backend.open();
  const incidents = new IncidentsRepository(db.sql);
  const zone = new ZoneRepository(db.sql);
  await zone.seedIfEmpty(generateZone({ enterprises: 20 }), gradeEnterprise, SEEDED_AT);
  const bus = new RecordingBus();
  return {
    db,
    sql: db.sql,
    incidents,
    zone,
    bus,
    timeline: new IncidentTimelineUpdate(incidents, new IncidentEvents(bus)),
    async open(id, enterpriseId, at, options = {}) {
      const { incident } = await incidents.openOrJoin({
        id,
        enterpriseId,
        grade: options.grade ?? 'red',
        assignmentReason: 'home-area',
        openedByKey: `open-${id}`,
        alarmId: `alarm-${id}`,
        correlationId: `c-${id}`,
        timeline: openTimeline(at, options.policy ?? DEFAULT_TIMELINE_POLICY, options.substationId ?? 'S1'),
      });
      return incident;
    },
    dispose: () => db.dispose(),
  };
}
