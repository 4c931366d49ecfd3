export * from './risk-engine.module';
