import { Injectable, Inject, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CLOCK, configToken, DatabaseConfig, InjectConfig, SeedConfig } from '@app/config';
import { HealthChecks, ObservabilityModule } from '@app/observability';
import { Clock, generateZone, gradeEnterprise, RegisterFileError } from '@app/domain';
import { ActionLinksRepository } from './action-links.repository';
import { AlarmHandlingRepository } from './alarm-handling.repository';
import { AlarmsRepository } from './alarms.repository';
import { ApiTokensRepository } from './api-tokens.repository';
import { AuditRepository } from './audit.repository';
import { ComplianceReportRepository } from './compliance-report.repository';
import { DeadLettersRepository } from './dead-letters.repository';
import { DeviceCertificatesRepository } from './device-certificates.repository';
import { DeviceCredentialsRepository } from './device-credentials.repository';
import { DeviceListRepository } from './device-list.repository';
import { DevicePresenceRepository } from './device-presence.repository';
import { FalseAlarmReportRepository } from './false-alarm-report.repository';
import { MaintenanceListRepository } from './maintenance-list.repository';
import { GradeChangesRepository } from './grade-changes.repository';
import { IncidentsRepository } from './incidents.repository';
import { InspectionsRepository } from './inspections.repository';
import { CampaignsRepository } from './campaigns.repository';
import { HazardReportRepository } from './hazard-report.repository';
import { migrate } from './migrate';
import { NotificationsRepository } from './notifications.repository';
import { OperatingModesRepository } from './operating-modes.repository';
import { openSqlClient } from './open-sql-client';
import { ReadingsRepository } from './readings.repository';
import { readRegisterSource } from './register-file';
import { importRegister } from './register-import';
import { RuleStatesRepository } from './rule-states.repository';
import { SqlClient } from './sql-client';
import { SubstationAvailabilityRepository } from './substation-availability.repository';
import { TimescaleMaintenance } from './timescale-maintenance';
import { ZoneRepository } from './zone.repository';

export const SQL_CLIENT = Symbol('SQL_CLIENT');

const REPOSITORIES = [
  ApiTokensRepository,
  AuditRepository,
  DeviceCredentialsRepository,
  DeviceCertificatesRepository,
  RuleStatesRepository,
  ComplianceReportRepository,
  FalseAlarmReportRepository,
  MaintenanceListRepository,
  ZoneRepository,
  SubstationAvailabilityRepository,
  OperatingModesRepository,
  ReadingsRepository,
  AlarmsRepository,
  AlarmHandlingRepository,
  GradeChangesRepository,
  DeadLettersRepository,
  DevicePresenceRepository,
  DeviceListRepository,
  IncidentsRepository,
  NotificationsRepository,
  ActionLinksRepository,
  InspectionsRepository,
  CampaignsRepository,
  HazardReportRepository,
  TimescaleMaintenance,
];

/**
 * Opens the database, applies migrations and loads the zone's seed data at
 * first start, every enterprise with its standing-hazard grade. In embedded mode it also runs the TimescaleDB policies
 * (PGlite has no background workers to run them).
 */
@Injectable()
class StorageLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Storage');
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    @InjectConfig('database') private readonly config: DatabaseConfig,
    private readonly maintenance: TimescaleMaintenance,
    health: HealthChecks,
  ) {
    health.register('database', async () => {
      await this.sql.ping();
      return { kind: this.sql.kind, timescale: this.sql.timescale };
    });
  }

  onApplicationBootstrap(): void {
    if (this.sql.kind !== 'pglite' || !this.sql.timescale) return;
    this.timer = setInterval(() => {
      this.maintenance.runDueJobs().catch((e: Error) => this.logger.warn(`timescale jobs failed: ${e.message}`));
    }, this.config.maintenanceIntervalS * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sql.close();
  }
}

/**
 * ZONE_FILE at first start: the register read and validated (a bad file stops the process, naming file, kind, row
 * and field) and written only into an empty zone, under the seed lock, so several processes starting at once load it once.
 */
async function loadZoneFile(zone: ZoneRepository, path: string, clock: Clock, logger: Logger): Promise<void> {
  let source: Awaited<ReturnType<typeof readRegisterSource>>;
  try {
    source = await readRegisterSource(path);
  } catch (e) {
    throw new RegisterFileError(path, [{ kind: null, row: null, id: null, field: null, message: (e as Error).message }]);
  }
  const result = await importRegister(zone, source.input, {
    dryRun: false,
    at: clock.now(),
    inputErrors: source.errors,
    onlyIfEmpty: true,
  });
  if (result.errors.length > 0) throw new RegisterFileError(path, result.errors);
  if (result.applied)
    logger.log(
      `loaded ${path}: ${result.created.substations} substations, ${result.created.enterprises} enterprises, ${result.created.devices} devices, ${result.created.contacts} contacts`,
    );
}

/**
 * The database of the process and its repositories. A static module: Nest makes
 * it once per process, so every feature module importing it shares one client.
 */
@Module({
  imports: [ObservabilityModule],
  providers: [
    {
      provide: SQL_CLIENT,
      inject: [configToken('database'), configToken('seed'), CLOCK],
      useFactory: async (database: DatabaseConfig, seed: SeedConfig, clock: Clock): Promise<SqlClient> => {
        const logger = new Logger('Storage');
        const sql = await openSqlClient({ databaseUrl: database.url, databaseCa: database.ca, dataDir: database.dataDir }, logger);
        const { applied } = await migrate(sql, logger);
        if (applied.length) logger.log(`applied migrations: ${applied.join(', ')}`);
        const zone = new ZoneRepository(sql);
        // Only a first start reads a register file or generates the demo zone: a restart has its zone.
        if (await zone.hasZone()) return sql;
        if (seed.zoneFile) await loadZoneFile(zone, seed.zoneFile, clock, logger);
        else {
          const demo = generateZone({ enterprises: seed.enterprises, seed: seed.seed });
          if (await zone.seedIfEmpty(demo, gradeEnterprise, clock.now())) {
            logger.log(
              `seeded ${demo.substations.length} substations, ${demo.enterprises.length} enterprises, ${demo.devices.length} devices`,
            );
          }
        }
        return sql;
      },
    },
    ...REPOSITORIES.map((repo) => ({ provide: repo, inject: [SQL_CLIENT], useFactory: (sql: SqlClient) => new repo(sql) })),
    StorageLifecycle,
  ],
  exports: [SQL_CLIENT, ...REPOSITORIES],
})
export class StorageModule {}
