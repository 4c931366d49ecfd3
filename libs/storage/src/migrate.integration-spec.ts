import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { migrate } from './migrate';
import { openPgClient } from './pg-client';
import { openPgliteClient } from './pglite-client';
import { ReadingsRepository } from './readings.repository';
import type { SqlClient } from './sql-client';
import { createPgDatabase, recordingLogger, tempDataDir } from '@app/testing/storage-backends';
import { TimescaleMaintenance } from './timescale-maintenance';

const TABLES = [
  'action_link_uses',
  'alarm_comments',
  'alarm_handling',
  'alarms',
  'api_tokens',
  'app_secrets',
  'audit_log',
  'campaign_enterprises',
  'campaigns',
  'contacts',
  'dead_letters',
  'device_certificates',
  'device_credentials',
  'devices',
  'enterprises',
  'grade_changes',
  'hazard_events',
  'hazard_evidence',
  'hazards',
  'incident_alarms',
  'incident_escalations',
  'incident_milestones',
  'incidents',
  'inspections',
  'notifications',
  'readings',
  'rule_states',
  'schema_migrations',
  'substation_loads',
  'substations',
];

async function tables(sql: SqlClient): Promise<string[]> {
  const rows = await sql.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  return rows.map((r) => r.table_name);
}

describe('migrate on PGlite with TimescaleDB', () => {
  let dir: string;
  let sql: SqlClient | null = null;

  beforeAll(async () => {
    dir = await tempDataDir();
  });

  afterAll(async () => {
    await sql?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the schema, hypertables and the per-minute continuous aggregate, once', async () => {
    sql = await openPgliteClient(join(dir, 'pg'), recordingLogger());
    expect(sql.timescale).toBe(true);

    await expect(migrate(sql)).resolves.toEqual({
      applied: [
        '001-schema',
        '002-timescale',
        '003-report-indexes',
        '004-renotifications',
        '005-rule-states',
        '006-api-tokens',
        '007-device-credentials',
        '008-audit-and-token-lifecycle',
        '009-zone-register',
        '010-substation-availability',
        '011-notifications',
        '012-contact-status',
        '013-action-links',
        '014-substation-loads',
        '015-alarm-handling',
        '016-incident-outcomes',
        '017-signal-classes',
        '018-operating-modes',
        '019-inspections',
        '020-device-certificates',
        '021-campaigns',
      ],
      skipped: [],
    });
    await expect(migrate(sql)).resolves.toEqual({ applied: [], skipped: [] });

    expect(await tables(sql)).toEqual(expect.arrayContaining(TABLES));
    const hypertables = await sql.query<{ hypertable_name: string }>(
      `SELECT hypertable_name FROM timescaledb_information.hypertables WHERE hypertable_schema = 'public' ORDER BY 1`,
    );
    expect(hypertables.map((h) => h.hypertable_name)).toEqual(['grade_changes', 'readings']);
    const caggs = await sql.query<{ view_name: string }>('SELECT view_name FROM timescaledb_information.continuous_aggregates');
    expect(caggs.map((c) => c.view_name)).toEqual(['readings_1m']);
    const jobs = await sql.query<{ proc_name: string }>(
      `SELECT proc_name FROM timescaledb_information.jobs WHERE hypertable_name IS NOT NULL ORDER BY 1`,
    );
    expect(jobs.map((j) => j.proc_name)).toEqual(['policy_compression', 'policy_refresh_continuous_aggregate', 'policy_retention']);
  });

  it('reopens the data dir: migrations are a no-op and the hypertable behind the aggregate accepts inserts', async () => {
    await sql!.close();
    const logger = recordingLogger();
    sql = await openPgliteClient(join(dir, 'pg'), logger);
    await expect(migrate(sql, logger)).resolves.toEqual({ applied: [], skipped: [] });

    const minuteAgo = Date.now() - 10 * 60_000;
    const rows = Array.from({ length: 120 }, (_, i) => ({
      ts: minuteAgo + i * 1000,
      deviceId: 'd-1',
      metric: 'temperature',
      value: 20 + (i % 10),
    }));
    await expect(new ReadingsRepository(sql).insertBatch(rows)).resolves.toBe(120);
    expect(logger.warnings).toEqual([]);
  });

  it('runs the policy jobs itself, which materialises the continuous aggregate, and only when due', async () => {
    let now = Date.now();
    const maintenance = new TimescaleMaintenance(sql!, recordingLogger(), () => now);
    const [mat] = await sql!.query<{ schema: string; name: string }>(
      `SELECT materialization_hypertable_schema AS schema, materialization_hypertable_name AS name
       FROM timescaledb_information.continuous_aggregates WHERE view_name = 'readings_1m'`,
    );
    const materialised = async (): Promise<number> =>
      (await sql!.query<{ n: number }>(`SELECT count(*) AS n FROM "${mat.schema}"."${mat.name}"`))[0].n;
    const [refreshJob] = await sql!.query<{ job_id: number }>(
      `SELECT job_id FROM timescaledb_information.jobs WHERE proc_name = 'policy_refresh_continuous_aggregate'`,
    );
    expect(await materialised()).toBe(0);

    const ran = await maintenance.runDueJobs();

    expect(ran).toContain(refreshJob.job_id);
    expect(ran.length).toBeGreaterThanOrEqual(3);
    expect(await materialised()).toBeGreaterThan(0);
    await expect(maintenance.runDueJobs()).resolves.toEqual([]);
    now += 61_000;
    await expect(maintenance.runDueJobs()).resolves.toEqual([refreshJob.job_id]);
  });
});

describe('migrate on PostgreSQL without TimescaleDB', () => {
  let db: Awaited<ReturnType<typeof createPgDatabase>>;
  const clients: SqlClient[] = [];

  beforeAll(async () => {
    db = await createPgDatabase();
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await db.drop();
  });

  it('warns once, skips the TimescaleDB migration and applies the rest once across concurrent starts', async () => {
    const loggers = [recordingLogger(), recordingLogger()];
    clients.push(...(await Promise.all(loggers.map((l) => openPgClient(db.url, l)))));
    expect(clients.map((c) => c.timescale)).toEqual([false, false]);
    for (const logger of loggers) {
      expect(logger.warnings).toHaveLength(1);
      expect(logger.warnings[0]).toMatch(/TimescaleDB unavailable/);
    }

    const results = await Promise.all(clients.map((c) => migrate(c, recordingLogger())));

    // Which of the two starts applies which migration depends on who gets the lock first; each is applied once.
    expect(results.flatMap((r) => r.applied).sort()).toEqual([
      '001-schema',
      '003-report-indexes',
      '004-renotifications',
      '005-rule-states',
      '006-api-tokens',
      '007-device-credentials',
      '008-audit-and-token-lifecycle',
      '009-zone-register',
      '010-substation-availability',
      '011-notifications',
      '012-contact-status',
      '013-action-links',
      '014-substation-loads',
      '015-alarm-handling',
      '016-incident-outcomes',
      '017-signal-classes',
      '018-operating-modes',
      '019-inspections',
      '020-device-certificates',
      '021-campaigns',
    ]);
    expect(results.map((r) => r.skipped)).toEqual([['002-timescale'], ['002-timescale']]);
    await expect(migrate(clients[0])).resolves.toEqual({ applied: [], skipped: ['002-timescale'] });
    expect(await tables(clients[0])).toEqual(TABLES);
    await expect(new TimescaleMaintenance(clients[0]).runDueJobs()).resolves.toEqual([]);
  });
});
