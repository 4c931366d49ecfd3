import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule as PinoLoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { Options } from 'pino-http';
import { LogConfig } from './app-config';

const REDACTED = '[Redacted]';
/** Query parameters that carry a token: the live stream's `access_token` (EventSource cannot set headers), the dashboard's `token`. */
const SECRET_QUERY = /([?&](?:access_token|token)=)[^&#]*/gi;

/** The URL as logged: the value of a token in its query string replaced. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, `$1${REDACTED}`);
}

/**
 * pino-http's options. A log line written while a request is handled carries
 * that request (method, url, query, headers), so its secrets are redacted:
 * the Authorization and Cookie headers, tokens in the query (both the parsed
 * `query` and the raw `url`), and any password, secret or token field.
 */
export function httpLoggerOptions(config: LogConfig, name: string): Options {
  return {
    name,
    level: config.level,
    autoLogging: false,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.query.access_token',
        'req.query.token',
        '*.password',
        '*.secret',
        '*.token',
      ],
      censor: REDACTED,
    },
    serializers: {
      req: (req: { url?: string }) => {
        if (req.url) req.url = redactUrl(req.url);
        return req;
      },
    },
  };
}

/** Structured JSON logs with secrets redacted; `destination` is where they go (stdout by default). */
@Module({})
export class LoggerModule {
  static forRoot(config: LogConfig, name: string, destination?: DestinationStream): DynamicModule {
    const options = httpLoggerOptions(config, name);
    return {
      module: LoggerModule,
      imports: [PinoLoggerModule.forRoot({ pinoHttp: destination ? [options, destination] : options })],
    };
  }
}
