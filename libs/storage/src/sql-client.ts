export interface SqlExecutor {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/**
 * One database, either embedded PGlite or a PostgreSQL pool. Both return the
 * same JS types: timestamptz as Date, int8/numeric as number, jsonb as objects.
 */
export interface SqlClient extends SqlExecutor {
  readonly kind: 'pglite' | 'pg';
  /** TimescaleDB features (hypertables, continuous aggregates, policies) are available. */
  readonly timescale: boolean;
  /**
   * For work that may wait (large batch writes): served after every urgent query and
   * transaction in embedded mode, on connections of its own in server mode.
   */
  readonly bulk: SqlExecutor;
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Several statements, no parameters. */
  exec(sql: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
