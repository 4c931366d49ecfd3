import { join } from 'node:path';
import { openPgClient } from './pg-client';
import { openPgliteClient } from './pglite-client';
import type { SqlClient } from './sql-client';
import type { StorageLogger } from './storage-logger';

/** PostgreSQL when a URL is configured (distributed mode), embedded PGlite under `${dataDir}/pg` otherwise. */
export function openSqlClient(
  opts: { databaseUrl?: string; databaseCa?: string; dataDir: string },
  logger?: StorageLogger,
): Promise<SqlClient> {
  return opts.databaseUrl ? openPgClient(opts.databaseUrl, logger, opts.databaseCa) : openPgliteClient(join(opts.dataDir, 'pg'), logger);
}
