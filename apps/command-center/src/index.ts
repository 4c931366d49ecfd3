export * from './command-center.module';
