import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule as PinoLoggerModule } from 'nestjs-pino';
import { AppConfig } from './app-config';

/** Structured JSON logs; secrets in headers are redacted. */
@Module({})
export class LoggerModule {
  static forRoot(config: AppConfig, name: string): DynamicModule {
    return {
      module: LoggerModule,
      imports: [
        PinoLoggerModule.forRoot({
          pinoHttp: {
            name,
            level: config.LOG_LEVEL,
            autoLogging: false,
            redact: ['req.headers.authorization', 'req.headers.cookie', 'req.query.access_token', '*.password', '*.secret', '*.token'],
          },
        }),
      ],
    };
  }
}
