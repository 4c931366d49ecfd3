export * from './app-config';
export * from './config.module';
export * from './config-slice';
export * from './infrastructure.module';
export * from './clock.provider';
export * from './logger.module';
export * from './bootstrap';
export * from './rule-file.loader';
