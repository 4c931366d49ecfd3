import { DynamicModule, INestApplication } from '@nestjs/common';
import { ModulesContainer, NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { RegisterFileError, RuleFileError } from '@app/domain';
import { AppConfig, ConfigError, loadConfig } from './app-config';

export const HTTP_BODY_LIMIT = '64kb';

/**
 * A module that adds to the HTTP side what only an app can (the command center mounts its API document this
 * way) provides this token with a function of the app; it runs before the app listens, in whichever process
 * the module is part of.
 */
export const HTTP_APP_SETUP = Symbol('HTTP_APP_SETUP');
export type HttpAppSetup = (app: INestApplication) => void;

function httpAppSetups(app: INestApplication): HttpAppSetup[] {
  return [...app.get(ModulesContainer).values()].flatMap((module) => {
    const provider = module.providers.get(HTTP_APP_SETUP);
    return provider ? [provider.instance as HttpAppSetup] : [];
  });
}

/** Creates and starts an app's HTTP side; the caller's module decides what runs in it. */
export async function startApp(
  rootModule: DynamicModule,
  config: AppConfig,
  options: { listen?: boolean } = {},
): Promise<INestApplication> {
  // abortOnError false: an error while the modules are made (a bad ZONE_FILE or rule file) reaches runMain, not Nest's exit 1.
  const app = await NestFactory.create<NestExpressApplication>(rootModule, {
    bufferLogs: true,
    bodyParser: false,
    abortOnError: false,
    httpsOptions: config.httpEdge.tls,
  });
  app.useLogger(app.get(Logger));
  // Setups first: a route with a body limit of its own mounts its parser ahead of the general one.
  for (const setup of httpAppSetups(app)) setup(app);
  app.useBodyParser('json', { limit: HTTP_BODY_LIMIT });
  app.enableShutdownHooks();
  if (options.listen !== false) await app.listen(config.http.port);
  return app;
}

/** Entry point of every process: refuses to start, naming the bad variable, on invalid configuration. */
export async function runMain(name: string, makeModule: (config: AppConfig) => DynamicModule): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${name}: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  try {
    const started = Date.now();
    const app = await startApp(makeModule(config), config);
    app.get(Logger).log(`${name} ready on port ${config.http.port} in ${Date.now() - started} ms`);
  } catch (e) {
    // A bad rule file or ZONE_FILE is configuration too: its message says what to fix, a stack would only bury it.
    if (e instanceof RuleFileError || e instanceof RegisterFileError) {
      process.stderr.write(`${name}: ${e.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`${name} failed to start: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  }
}
