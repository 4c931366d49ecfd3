import { readFileSync } from 'node:fs';

/**
 * The variables that hold a secret, each of which may instead name a file in
 * `<NAME>_FILE` (a Docker or Kubernetes secret mounted read-only), so the
 * secret never shows in the process's environment or in `docker inspect`.
 */
export const SECRET_VARIABLES = [
  'DATABASE_URL',
  'MQTT_PASSWORD',
  'KAFKA_SASL_PASSWORD',
  'OPERATOR_TOKEN',
  'NOTIFY_WEBHOOK_SECRET',
  'NOTIFY_SMTP_URL',
  'NOTIFY_SMS_URL',
  'NOTIFY_SMS_HEADERS',
] as const;

export type ReadTextFile = (path: string) => string;

export const readUtf8File: ReadTextFile = (path) => readFileSync(path, 'utf8');

/** Why a `<NAME>_FILE` could not stand in for its variable; the message names both. */
export class SecretFileError extends Error {}

/**
 * The environment with each `<NAME>_FILE` read into `<NAME>` (one trailing
 * newline trimmed, as editors and `echo` leave one); the rest unchanged.
 */
export function resolveSecretFiles(env: NodeJS.ProcessEnv, readTextFile: ReadTextFile = readUtf8File): NodeJS.ProcessEnv {
  const resolved: NodeJS.ProcessEnv = { ...env };
  for (const name of SECRET_VARIABLES) {
    const fileVariable = `${name}_FILE`;
    const path = env[fileVariable]?.trim();
    if (!path) continue;
    if (env[name]?.trim()) throw new SecretFileError(`${name} and ${fileVariable} are both set: set one of them`);
    let content: string;
    try {
      content = readTextFile(path);
    } catch (error) {
      throw new SecretFileError(`${fileVariable}: cannot read ${path} (${(error as Error).message})`);
    }
    resolved[name] = content.replace(/\r?\n$/, '');
    delete resolved[fileVariable];
  }
  return resolved;
}
