export * from './grade';
export * from './topics';
export * from './metrics';
export * from './telemetry-payload.schema';
export * from './bus-messages';
