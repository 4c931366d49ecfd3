import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, startApp } from '@app/config';
import { ComplianceReportRepository, SQL_CLIENT, SqlClient } from '@app/storage';
import { AllInOneModule } from '@app/all-in-one';
import { emit } from './bench-output';

const YEAR_MS = 365 * 86_400_000;

/**
 * A year of resolved incidents (each with its three milestones, some late,
 * some escalated) in embedded PGlite, then the compliance report for the
 * whole year and for one substation, timed.
 */
export async function benchComplianceReport(incidents: number): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'zone-bench-report-'));
  const config = loadConfig({
    PORT: '0',
    MQTT_PORT: '0',
    MQTT_HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    SEED_ENTERPRISES: '2300',
    LOG_LEVEL: 'error',
  });
  const app = await startApp(AllInOneModule.forRoot(config), config);
  try {
    const sql = app.get<SqlClient>(SQL_CLIENT);
    const yearEnd = Date.now() - 86_400_000;
    const yearStart = yearEnd - YEAR_MS;
    await sql.query(
      `INSERT INTO incidents (id, enterprise_id, substation_id, grade, level, status, dispatched_at, resolved_at, assignment_reason, policy, opened_by_alarm_id, backup_substation_ids, correlation_id)
       SELECT 'year-' || g, 'E' || lpad((1 + g % 2300)::text, 4, '0'), 'S' || (1 + g % 8), 'orange', 1, 'resolved',
              to_timestamp(($1::float8 + g * ($3::float8 / $2::int)) / 1000), to_timestamp(($1::float8 + g * ($3::float8 / $2::int)) / 1000 + 400),
              'home-area', '{"acknowledgeS":60,"onSceneS":180,"underControlS":300}'::jsonb, 'year-' || g, '[]'::jsonb, 'year-' || g
       FROM generate_series(1, $2::int) g`,
      [yearStart, incidents, YEAR_MS],
    );
    await sql.query(
      `INSERT INTO incident_milestones (incident_id, name, due_at, at, met, by)
       SELECT i.id, m.name, i.dispatched_at + m.secs * interval '1 second',
              i.dispatched_at + (m.secs * (0.5 + (hashtext(i.id || m.name) & 1023) / 1600.0)) * interval '1 second',
              (0.5 + (hashtext(i.id || m.name) & 1023) / 1600.0) <= 1, i.substation_id
       FROM incidents i CROSS JOIN (VALUES ('acknowledged', 60), ('onScene', 180), ('underControl', 300)) AS m(name, secs)
       WHERE i.id LIKE 'year-%'`,
    );
    await sql.query(
      `INSERT INTO incident_escalations (incident_id, milestone, at, due_at, backup_substation_id, late_by_ms)
       SELECT incident_id, name, due_at, due_at, 'S1', 0 FROM incident_milestones WHERE incident_id LIKE 'year-%' AND met = false`,
    );
    const reports = new ComplianceReportRepository(sql);
    const from = new Date(yearStart);
    const to = new Date(yearEnd + 1000);
    await reports.report(from, to, new Date());
    let started = performance.now();
    const year = await reports.report(from, to, new Date());
    const wholeMs = performance.now() - started;
    started = performance.now();
    await reports.report(from, to, new Date(), 'S3');
    const oneMs = performance.now() - started;
    const extra = { incidents: year.zone.incidents, escalations: year.zone.escalations, period_days: 365, mode: 'embedded' };
    emit('compliance_report_year_ms', wholeMs, 'ms', extra);
    emit('compliance_report_year_one_substation_ms', oneMs, 'ms', extra);
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
