import type { SqlExecutor } from './sql-client';

export interface MigrationContext {
  timescale: boolean;
}

export interface Migration {
  id: number;
  name: string;
  /**
   * Skipped (and left unrecorded, so it runs once the extension appears) when
   * the database has no TimescaleDB.
   */
  requiresTimescale?: boolean;
  up(sql: SqlExecutor, ctx: MigrationContext): Promise<void>;
}
