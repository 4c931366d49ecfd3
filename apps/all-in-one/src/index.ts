export * from './all-in-one.module';
