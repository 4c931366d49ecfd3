import type { Migration } from '../migration';
import { schemaMigration } from './001-schema';
import { timescaleMigration } from './002-timescale';

export const MIGRATIONS: readonly Migration[] = [schemaMigration, timescaleMigration];
