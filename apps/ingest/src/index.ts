export * from './ingest.module';
