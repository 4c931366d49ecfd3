export * from './manual-clock';
export * from './wait-for';
export * from './sse-recorder';
