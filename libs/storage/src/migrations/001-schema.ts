import type { Migration } from '../migration';

export const schemaMigration: Migration = {
  id: 1,
  name: 'schema',
  async up(sql) {
    const statements = [
      `CREATE TABLE substations (
        id text PRIMARY KEY,
        name text NOT NULL,
        lat double precision NOT NULL,
        lon double precision NOT NULL,
        area jsonb NOT NULL,
        capacity int NOT NULL,
        available boolean NOT NULL DEFAULT true
      )`,
      `CREATE TABLE enterprises (
        id text PRIMARY KEY,
        name text NOT NULL,
        industry text NOT NULL,
        lat double precision NOT NULL,
        lon double precision NOT NULL,
        substation_id text NOT NULL REFERENCES substations (id),
        hazards jsonb NOT NULL,
        grade text NULL,
        grade_reasons jsonb NOT NULL DEFAULT '[]',
        grade_at timestamptz NULL
      )`,
      `CREATE INDEX enterprises_substation_idx ON enterprises (substation_id)`,
      `CREATE TABLE devices (
        id text PRIMARY KEY,
        enterprise_id text NOT NULL REFERENCES enterprises (id),
        type text NOT NULL,
        report_interval_s int NOT NULL,
        secret_hash text NULL,
        last_seen_at timestamptz NULL,
        online boolean NULL
      )`,
      `CREATE INDEX devices_enterprise_idx ON devices (enterprise_id)`,
      `CREATE TABLE readings (
        ts timestamptz NOT NULL,
        device_id text NOT NULL,
        metric text NOT NULL,
        value double precision NOT NULL,
        PRIMARY KEY (device_id, metric, ts)
      )`,
      `CREATE TABLE grade_changes (
        at timestamptz NOT NULL,
        enterprise_id text NOT NULL,
        from_grade text NULL,
        to_grade text NULL,
        reasons jsonb NOT NULL DEFAULT '[]',
        correlation_id text NOT NULL
      )`,
      `CREATE INDEX grade_changes_enterprise_idx ON grade_changes (enterprise_id, at DESC)`,
      `CREATE TABLE alarms (
        id text PRIMARY KEY,
        device_id text NOT NULL,
        enterprise_id text NOT NULL,
        rule_id text NOT NULL,
        metric text NOT NULL,
        grade text NOT NULL,
        status text NOT NULL,
        value double precision NULL,
        message text NOT NULL,
        raised_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        cleared_at timestamptz NULL,
        occurrences int NOT NULL DEFAULT 1,
        correlation_id text NOT NULL
      )`,
      // The arbiter of AlarmsRepository.raise: one open alarm per device and rule.
      `CREATE UNIQUE INDEX alarms_open_device_rule_uq ON alarms (device_id, rule_id) WHERE status = 'open'`,
      `CREATE INDEX alarms_status_grade_idx ON alarms (status, grade)`,
      `CREATE INDEX alarms_enterprise_idx ON alarms (enterprise_id)`,
      `CREATE TABLE incidents (
        id text PRIMARY KEY,
        enterprise_id text NOT NULL,
        substation_id text NOT NULL,
        grade text NOT NULL,
        level int NOT NULL DEFAULT 0,
        status text NOT NULL,
        dispatched_at timestamptz NOT NULL,
        resolved_at timestamptz NULL,
        assignment_reason text NOT NULL,
        policy jsonb NOT NULL,
        opened_by_alarm_id text UNIQUE,
        backup_substation_ids jsonb NOT NULL DEFAULT '[]',
        correlation_id text NOT NULL
      )`,
      `CREATE UNIQUE INDEX incidents_active_enterprise_uq ON incidents (enterprise_id) WHERE status <> 'resolved'`,
      `CREATE INDEX incidents_substation_status_idx ON incidents (substation_id, status)`,
      `CREATE TABLE incident_milestones (
        incident_id text NOT NULL REFERENCES incidents (id),
        name text NOT NULL,
        due_at timestamptz NOT NULL,
        at timestamptz NULL,
        met boolean NULL,
        by text NULL,
        escalated_at timestamptz NULL,
        PRIMARY KEY (incident_id, name)
      )`,
      `CREATE INDEX incident_milestones_pending_due_idx ON incident_milestones (due_at)
        WHERE at IS NULL AND escalated_at IS NULL`,
      `CREATE TABLE incident_escalations (
        incident_id text NOT NULL,
        milestone text NOT NULL,
        at timestamptz NOT NULL,
        due_at timestamptz NOT NULL,
        backup_substation_id text NULL,
        late_by_ms int NOT NULL,
        PRIMARY KEY (incident_id, milestone)
      )`,
      `CREATE TABLE incident_alarms (
        incident_id text NOT NULL,
        alarm_id text NOT NULL,
        PRIMARY KEY (incident_id, alarm_id)
      )`,
      `CREATE TABLE dead_letters (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        received_at timestamptz NOT NULL,
        source text NOT NULL,
        topic text NOT NULL,
        reason text NOT NULL,
        detail text NOT NULL,
        device_id text NULL,
        payload text NOT NULL,
        correlation_id text NOT NULL
      )`,
      `CREATE INDEX dead_letters_reason_idx ON dead_letters (reason)`,
      `CREATE INDEX dead_letters_received_at_idx ON dead_letters (received_at)`,
    ];
    for (const statement of statements) await sql.query(statement);
  },
};
