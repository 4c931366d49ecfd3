import { DynamicModule, Global, Injectable, Inject, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { HealthChecks } from '@app/observability';
import { generateZone } from '@app/domain';
import { AlarmsRepository } from './alarms.repository';
import { ApiTokensRepository } from './api-tokens.repository';
import { ComplianceReportRepository } from './compliance-report.repository';
import { DeadLettersRepository } from './dead-letters.repository';
import { DeviceCredentialsRepository } from './device-credentials.repository';
import { DevicePresenceRepository } from './device-presence.repository';
import { GradeChangesRepository } from './grade-changes.repository';
import { IncidentsRepository } from './incidents.repository';
import { migrate } from './migrate';
import { openSqlClient } from './open-sql-client';
import { ReadingsRepository } from './readings.repository';
import { RuleStatesRepository } from './rule-states.repository';
import { SqlClient } from './sql-client';
import { TimescaleMaintenance } from './timescale-maintenance';
import { ZoneRepository } from './zone.repository';

export const SQL_CLIENT = Symbol('SQL_CLIENT');

const REPOSITORIES = [
  ApiTokensRepository,
  DeviceCredentialsRepository,
  RuleStatesRepository,
  ComplianceReportRepository,
  ZoneRepository,
  ReadingsRepository,
  AlarmsRepository,
  GradeChangesRepository,
  DeadLettersRepository,
  DevicePresenceRepository,
  IncidentsRepository,
  TimescaleMaintenance,
];

/**
 * Opens the database, applies migrations and loads the zone's seed data at
 * first start. In embedded mode it also runs the TimescaleDB policies
 * (PGlite has no background workers to run them).
 */
@Injectable()
class StorageLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Storage');
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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
    }, this.config.MAINTENANCE_INTERVAL_S * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sql.close();
  }
}

@Global()
@Module({})
export class StorageModule {
  static forRoot(): DynamicModule {
    return {
      module: StorageModule,
      providers: [
        {
          provide: SQL_CLIENT,
          inject: [APP_CONFIG],
          useFactory: async (config: AppConfig): Promise<SqlClient> => {
            const logger = new Logger('Storage');
            const sql = await openSqlClient({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR }, logger);
            const { applied } = await migrate(sql, logger);
            if (applied.length) logger.log(`applied migrations: ${applied.join(', ')}`);
            const zone = generateZone({ enterprises: config.SEED_ENTERPRISES, seed: config.SEED });
            if (await new ZoneRepository(sql).seedIfEmpty(zone)) {
              logger.log(
                `seeded ${zone.substations.length} substations, ${zone.enterprises.length} enterprises, ${zone.devices.length} devices`,
              );
            }
            return sql;
          },
        },
        ...REPOSITORIES.map((repo) => ({ provide: repo, inject: [SQL_CLIENT], useFactory: (sql: SqlClient) => new repo(sql) })),
        StorageLifecycle,
      ],
      exports: [SQL_CLIENT, ...REPOSITORIES],
    };
  }
}
