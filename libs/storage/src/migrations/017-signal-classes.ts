import type { Migration } from '../migration';

/**
 * Every alarm carries its rule's signal class (fire, alarm, supervisory, fault) and every incident the class
 * of its first-handled alarm (a fire joining a gas incident makes it a fire); null for an incident opened by a
 * grade alone. Alarms from before classes are classed by their metric as the shipped rules class them.
 * The maintenance list reads open faults by when they were raised.
 */
export const signalClassesMigration: Migration = {
  id: 17,
  name: 'signal-classes',
  async up(sql) {
    await sql.query(`ALTER TABLE alarms ADD COLUMN IF NOT EXISTS signal_class text NULL`);
    await sql.query(
      `UPDATE alarms SET signal_class = CASE
         WHEN metric IN ('smoke', 'temperature') THEN 'fire'
         WHEN metric IN ('hydrant_pressure', 'fire_lane_blocked', 'fire_door_open') THEN 'supervisory'
         WHEN metric IN ('offline', 'battery', 'fault') THEN 'fault'
         ELSE 'alarm' END
       WHERE signal_class IS NULL`,
    );
    await sql.query(`ALTER TABLE alarms ALTER COLUMN signal_class SET NOT NULL`);
    // For a writer from before classes, still running while the others upgrade: its alarms count as alarm.
    await sql.query(`ALTER TABLE alarms ALTER COLUMN signal_class SET DEFAULT 'alarm'`);
    await sql.query(
      `ALTER TABLE alarms ADD CONSTRAINT alarms_signal_class_check CHECK (signal_class IN ('fire', 'alarm', 'supervisory', 'fault'))`,
    );
    await sql.query(
      `CREATE INDEX IF NOT EXISTS alarms_open_faults_idx ON alarms (raised_at) WHERE status = 'open' AND signal_class = 'fault'`,
    );

    await sql.query(`ALTER TABLE incidents ADD COLUMN IF NOT EXISTS signal_class text NULL`);
    await sql.query(
      `UPDATE incidents i SET signal_class = (
         SELECT a.signal_class FROM incident_alarms ia JOIN alarms a ON a.id = ia.alarm_id WHERE ia.incident_id = i.id
         ORDER BY CASE a.signal_class WHEN 'fire' THEN 0 WHEN 'alarm' THEN 1 WHEN 'supervisory' THEN 2 ELSE 3 END LIMIT 1)`,
    );
    await sql.query(
      `ALTER TABLE incidents ADD CONSTRAINT incidents_signal_class_check CHECK (signal_class IN ('fire', 'alarm', 'supervisory', 'fault'))`,
    );
  },
};
