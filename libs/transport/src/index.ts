export * from './bus/bus';
export * from './bus/in-process-bus';
export * from './mqtt/embedded-mqtt-broker';
export * from './mqtt/mqtt-device-authorizer';
export * from './mqtt/mqtt-subscriber';
export * from './bus/bus.module';
export * from './mqtt/mqtt-broker.module';
export * from './bus/kafka-bus';
