export * from './manual-clock';
export * from './wait-for';
export * from './sse-recorder';
export * from './free-port';
export * from './tcp-proxy';
export * from './private-mosquitto';
export * from './webhook-receiver';
export * from './embedded-process';
