export * from './grade';
export * from './signal-class';
export * from './topics';
export * from './metrics';
export * from './telemetry-payload.schema';
export * from './bus-messages';
