import type { Migration } from '../migration';

/**
 * The number of open incidents of each substation, kept as a counter instead of counted over every open
 * incident at each choice. Statement-level triggers on incidents keep it, in the transaction of the change
 * itself, whatever writes the incident (the repository, a seed, a bench), so every process on the database
 * reads the same count. A statement's changes are summed per substation first: an update that leaves an
 * incident open at the same substation (an escalation, an acknowledgement) nets to nothing and touches no
 * counter row, and the rows that do change are upserted in substation order, so two transactions take their
 * locks in the same order. Existing open incidents are counted once, under a lock that holds off writers.
 */
export const substationLoadsMigration: Migration = {
  id: 14,
  name: 'substation-loads',
  async up(sql) {
    await sql.query(`CREATE TABLE IF NOT EXISTS substation_loads (
      substation_id text PRIMARY KEY,
      active integer NOT NULL DEFAULT 0
    )`);
    await sql.query(`CREATE OR REPLACE FUNCTION substation_loads_apply() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO substation_loads AS l (substation_id, active)
            SELECT substation_id, count(*)::int FROM new_rows WHERE status <> 'resolved'
            GROUP BY substation_id ORDER BY substation_id
          ON CONFLICT (substation_id) DO UPDATE SET active = l.active + excluded.active;
        ELSIF TG_OP = 'DELETE' THEN
          INSERT INTO substation_loads AS l (substation_id, active)
            SELECT substation_id, -count(*)::int FROM old_rows WHERE status <> 'resolved'
            GROUP BY substation_id ORDER BY substation_id
          ON CONFLICT (substation_id) DO UPDATE SET active = l.active + excluded.active;
        ELSE
          INSERT INTO substation_loads AS l (substation_id, active)
            SELECT substation_id, sum(delta)::int FROM (
              SELECT substation_id, 1 AS delta FROM new_rows WHERE status <> 'resolved'
              UNION ALL
              SELECT substation_id, -1 AS delta FROM old_rows WHERE status <> 'resolved'
            ) d
            GROUP BY substation_id HAVING sum(delta) <> 0 ORDER BY substation_id
          ON CONFLICT (substation_id) DO UPDATE SET active = l.active + excluded.active;
        END IF;
        RETURN NULL;
      END
    $fn$`);
    // Writers wait from here to the commit, so the count below and the triggers start from the same state.
    await sql.query(`LOCK TABLE incidents IN SHARE ROW EXCLUSIVE MODE`);
    await sql.query(`DROP TRIGGER IF EXISTS substation_loads_insert ON incidents`);
    await sql.query(`DROP TRIGGER IF EXISTS substation_loads_update ON incidents`);
    await sql.query(`DROP TRIGGER IF EXISTS substation_loads_delete ON incidents`);
    await sql.query(`CREATE TRIGGER substation_loads_insert AFTER INSERT ON incidents
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION substation_loads_apply()`);
    await sql.query(`CREATE TRIGGER substation_loads_update AFTER UPDATE ON incidents
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION substation_loads_apply()`);
    await sql.query(`CREATE TRIGGER substation_loads_delete AFTER DELETE ON incidents
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION substation_loads_apply()`);
    await sql.query(`DELETE FROM substation_loads`);
    await sql.query(`INSERT INTO substation_loads (substation_id, active)
      SELECT substation_id, count(*)::int FROM incidents WHERE status <> 'resolved' GROUP BY substation_id`);
  },
};
