export * from './health-checks';
export * from './observability.module';
export * from './metrics';
