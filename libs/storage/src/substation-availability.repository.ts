import type { SqlClient } from './sql-client';
import { toDate, type Instant } from './sql-values';

export interface SubstationAvailability {
  id: string;
  available: boolean;
  reason: string | null;
  changedAt: Date | null;
}

export interface SubstationAvailabilityChange {
  before: SubstationAvailability;
  after: SubstationAvailability;
}

interface SubstationAvailabilityRecord {
  id: string;
  available: boolean;
  availability_reason: string | null;
  availability_changed_at: Date | null;
}

const AVAILABILITY_COLUMNS = 'id, available, availability_reason, availability_changed_at';

function toAvailability(r: SubstationAvailabilityRecord): SubstationAvailability {
  return { id: r.id, available: r.available, reason: r.availability_reason, changedAt: r.availability_changed_at };
}

/** Availability of the substations, apart from the rest of the register so each can change on its own. */
export class SubstationAvailabilityRepository {
  constructor(private readonly sql: SqlClient) {}

  async list(): Promise<SubstationAvailability[]> {
    const rows = await this.sql.query<SubstationAvailabilityRecord>(`SELECT ${AVAILABILITY_COLUMNS} FROM substations ORDER BY id`);
    return rows.map(toAvailability);
  }

  /** Sets it with its reason, under a row lock so the before is the one replaced; null when there is no such substation. */
  async set(id: string, available: boolean, reason: string, at: Instant): Promise<SubstationAvailabilityChange | null> {
    return this.sql.transaction(async (tx) => {
      const found = await tx.query<SubstationAvailabilityRecord>(
        `SELECT ${AVAILABILITY_COLUMNS} FROM substations WHERE id = $1 FOR UPDATE`,
        [id],
      );
      if (found.length === 0) return null;
      const rows = await tx.query<SubstationAvailabilityRecord>(
        `UPDATE substations SET available = $2, availability_reason = $3, availability_changed_at = $4 WHERE id = $1
         RETURNING ${AVAILABILITY_COLUMNS}`,
        [id, available, reason, toDate(at)],
      );
      return { before: toAvailability(found[0]), after: toAvailability(rows[0]) };
    });
  }
}
