import { Inject, ValueProvider } from '@nestjs/common';
import type { AppConfig } from './app-config';

export type ConfigSliceName = keyof AppConfig;

const TOKENS: { readonly [K in ConfigSliceName]: symbol } = {
  http: Symbol('config.http'),
  log: Symbol('config.log'),
  mqtt: Symbol('config.mqtt'),
  kafka: Symbol('config.kafka'),
  database: Symbol('config.database'),
  seed: Symbol('config.seed'),
  ingest: Symbol('config.ingest'),
  rules: Symbol('config.rules'),
  riskEngine: Symbol('config.riskEngine'),
  dispatch: Symbol('config.dispatch'),
  commandCenter: Symbol('config.commandCenter'),
  notify: Symbol('config.notify'),
  mqttEdge: Symbol('config.mqttEdge'),
  httpEdge: Symbol('config.httpEdge'),
};

/** The injection token of one slice of the configuration (for a factory's `inject`). */
export function configToken(slice: ConfigSliceName): symbol {
  return TOKENS[slice];
}

/** Injects one slice of the configuration: `@InjectConfig('riskEngine') config: RiskEngineConfig`. */
export function InjectConfig(slice: ConfigSliceName): ReturnType<typeof Inject> {
  return Inject(TOKENS[slice]);
}

/** One provider per slice, each under its own token: a consumer sees only the slice it asks for. */
export function configProviders(config: AppConfig): ValueProvider[] {
  return (Object.keys(TOKENS) as ConfigSliceName[]).map((slice) => ({ provide: TOKENS[slice], useValue: config[slice] }));
}
