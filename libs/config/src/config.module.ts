import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from './app-config';
import { clockProvider, CLOCK } from './clock.provider';
import { configProviders } from './config-slice';

/** The configuration's slices and the clock: read everywhere, so global. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    const slices = configProviders(config);
    return {
      module: ConfigModule,
      providers: [...slices, clockProvider],
      exports: [...slices.map((p) => p.provide), CLOCK],
    };
  }
}
