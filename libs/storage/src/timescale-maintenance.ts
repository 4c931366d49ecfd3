import type { SqlClient } from './sql-client';
import { consoleStorageLogger, type StorageLogger } from './storage-logger';

interface JobRecord {
  job_id: number;
  interval_s: number;
}

/**
 * Runs TimescaleDB's policy jobs (continuous-aggregate refresh, compression,
 * retention) in embedded mode: PGlite has no background workers, so nothing
 * runs them otherwise. On PostgreSQL the server's scheduler owns them.
 */
export class TimescaleMaintenance {
  private readonly lastRunAt = new Map<number, number>();
  private running = false;

  constructor(
    private readonly sql: SqlClient,
    private readonly logger: StorageLogger = consoleStorageLogger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Runs every job whose schedule interval has passed since this instance last ran it; returns their ids. */
  async runDueJobs(): Promise<number[]> {
    if (!this.sql.timescale || this.sql.kind !== 'pglite' || this.running) return [];
    this.running = true;
    try {
      const jobs = await this.sql.query<JobRecord>(
        `SELECT job_id, extract(epoch FROM schedule_interval)::float8 AS interval_s
         FROM timescaledb_information.jobs WHERE scheduled ORDER BY job_id`,
      );
      const ran: number[] = [];
      for (const job of jobs) {
        const now = this.now();
        const last = this.lastRunAt.get(job.job_id);
        if (last !== undefined && now - last < job.interval_s * 1000) continue;
        this.lastRunAt.set(job.job_id, now);
        try {
          await this.sql.query('CALL run_job($1)', [job.job_id]);
          ran.push(job.job_id);
        } catch (err) {
          this.logger.warn(`TimescaleDB job ${job.job_id} failed: ${(err as Error).message}`);
        }
      }
      return ran;
    } finally {
      this.running = false;
    }
  }
}
