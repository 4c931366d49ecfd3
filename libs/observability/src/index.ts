export * from './health-checks';
export * from './observability.module';
