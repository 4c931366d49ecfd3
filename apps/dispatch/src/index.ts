export * from './dispatch.module';
