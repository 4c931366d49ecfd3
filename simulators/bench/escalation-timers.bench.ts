import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, startApp } from '@app/config';
import { SQL_CLIENT, SqlClient } from '@app/storage';
import { EmbeddedMqttBroker } from '@app/transport';
import { AllInOneModule } from '@app/all-in-one';
import { emit } from './bench-output';
import { startLoad } from './load-process';

export interface TimerBenchOptions {
  openIncidents: number;
  /** Deadlines falling due per second during the measured window. */
  escalationsPerSecond: number;
  windowSeconds: number;
  /** Telemetry readings a second published through the embedded broker while the deadlines fall due; 0 for none. */
  loadPerS: number;
}

const HAZARDS = JSON.stringify({
  threeInOne: false,
  multiTenant: false,
  tenants: 1,
  unauthorisedStructures: false,
  fireLaneBlocked: false,
  noSprinklers: false,
});

/**
 * 100,000 open incidents, every one with pending deadlines, in the all-in-one
 * process on embedded PGlite. Acknowledge deadlines are spread at a steady
 * rate from a few seconds ahead; nobody answers, so each one escalates. The
 * lateness of each escalation (when it fired minus when it was due) is what
 * the dispatch timer is judged by, quiet and with telemetry running beside it.
 */
export async function benchEscalationTimers(options: TimerBenchOptions): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'zone-bench-timers-'));
  const config = loadConfig({
    PORT: '0',
    MQTT_PORT: '0',
    MQTT_HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    // The load publishes for the whole default zone, so no device of it floods.
    SEED_ENTERPRISES: options.loadPerS > 0 ? '2300' : '200',
    LOG_LEVEL: 'error',
    TIMELINE_RENOTIFY_S: '0',
    MQTT_DEVICE_AUTH: 'off',
  });
  const app = await startApp(AllInOneModule.forRoot(config), config);
  try {
    const sql = app.get<SqlClient>(SQL_CLIENT);
    const n = options.openIncidents;
    const firstDue = Date.now() + 15_000;
    const spacingMs = 1000 / options.escalationsPerSecond;
    await sql.query(
      `INSERT INTO enterprises (id, name, industry, lat, lon, substation_id, hazards)
       SELECT 'B' || lpad(g::text, 6, '0'), 'bench ' || g, 'bench', 28.85 + (g % 100) * 0.001, 120.0 + (g / 100 % 100) * 0.001, 'S' || (1 + g % 8), $1::jsonb
       FROM generate_series(1, $2::int) g`,
      [HAZARDS, n],
    );
    await sql.query(
      `INSERT INTO incidents (id, enterprise_id, substation_id, grade, level, status, dispatched_at, assignment_reason, policy, opened_by_alarm_id, backup_substation_ids, correlation_id)
       SELECT 'bench-' || g, 'B' || lpad(g::text, 6, '0'), 'S' || (1 + g % 8), 'orange', 1, 'dispatched',
              to_timestamp(($1::float8 + (g - 1) * $3::float8 - 60000) / 1000), 'home-area',
              '{"acknowledgeS":60,"onSceneS":180,"underControlS":300}'::jsonb, 'bench-' || g, '[]'::jsonb, 'bench-' || g
       FROM generate_series(1, $2::int) g`,
      [firstDue, n, spacingMs],
    );
    await sql.query(
      `INSERT INTO incident_milestones (incident_id, name, due_at)
       SELECT i.id, m.name, i.dispatched_at + m.secs * interval '1 second'
       FROM incidents i CROSS JOIN (VALUES ('acknowledged', 60), ('onScene', 180), ('underControl', 300)) AS m(name, secs)
       WHERE i.id LIKE 'bench-%'`,
    );
    // Deadlines loaded after they fell due would measure this setup, not the timer.
    const seededAt = Date.now();
    const windowEnd = firstDue + options.windowSeconds * 1000;
    const load =
      options.loadPerS > 0
        ? startLoad({
            url: `mqtt://127.0.0.1:${app.get(EmbeddedMqttBroker).port}`,
            connections: 32,
            window: 100,
            messages: Math.round((options.loadPerS * (windowEnd - seededAt)) / 1000),
            zoneSize: config.seed.enterprises,
            ratePerS: options.loadPerS,
          })
        : null;
    const loadStartedAt = Date.now();
    await new Promise((r) => setTimeout(r, windowEnd - Date.now() + 3000));
    const publishMs = load ? await load.done : 0;
    const [stats] = await sql.query<{ n: number; p50: number; p99: number; max: number }>(
      `SELECT count(*)::int AS n, percentile_cont(0.5) WITHIN GROUP (ORDER BY late_by_ms) AS p50,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY late_by_ms) AS p99, max(late_by_ms) AS max
       FROM incident_escalations e JOIN incident_milestones m ON m.incident_id = e.incident_id AND m.name = e.milestone
       WHERE e.incident_id LIKE 'bench-%' AND m.due_at <= to_timestamp($1::float8 / 1000)`,
      [windowEnd],
    );
    const expected = Math.floor(options.windowSeconds * options.escalationsPerSecond);
    const extra = {
      open_incidents: n,
      seeded_s_before_first_due: Math.round((firstDue - seededAt) / 100) / 10,
      escalations: stats.n,
      expected_escalations: expected,
      rate_per_s: options.escalationsPerSecond,
      mode: 'embedded',
      ...(load
        ? {
            load_readings_per_s: options.loadPerS,
            // Below the asked rate, the system could not keep up with the load.
            load_achieved_readings_per_s: Math.round(
              (options.loadPerS * (windowEnd - seededAt)) / Math.max(publishMs, windowEnd - loadStartedAt),
            ),
          }
        : {}),
    };
    const name = load ? 'escalation_lateness_under_load' : 'escalation_lateness';
    emit(`${name}_p50_ms`, Number(stats.p50), 'ms', extra);
    emit(`${name}_p99_ms`, Number(stats.p99), 'ms', extra);
    emit(`${name}_max_ms`, Number(stats.max), 'ms', extra);
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
