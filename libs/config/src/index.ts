export * from './app-config';
export * from './config.module';
export * from './clock.provider';
export * from './logger.module';
export * from './bootstrap';
export * from './rule-file.loader';
