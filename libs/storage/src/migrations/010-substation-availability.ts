import type { Migration } from '../migration';

/**
 * Why a substation is out of service (or back), and since when: an operator or the
 * substation itself says so through the API, and the command center shows it.
 * (009 is the register's; this one touches only these two columns.)
 */
export const substationAvailabilityMigration: Migration = {
  id: 10,
  name: 'substation-availability',
  async up(sql) {
    await sql.query(`ALTER TABLE substations
      ADD COLUMN IF NOT EXISTS availability_reason text NULL,
      ADD COLUMN IF NOT EXISTS availability_changed_at timestamptz NULL`);
  },
};
