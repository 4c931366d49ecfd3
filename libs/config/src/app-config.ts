import { readFileSync } from 'node:fs';
import { z } from 'zod';
import {
  escapingForContentType,
  renderGatewayTemplate,
  SAMPLE_GATEWAY_VALUES,
  unknownPlaceholders,
  type FloodLimits,
  type TimelinePolicy,
} from '@app/domain';
import { readUtf8File, resolveSecretFiles, SecretFileError, type ReadTextFile } from './secret-files';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const optionalString = z
  .string()
  .optional()
  .transform((s) => (s && s.trim() !== '' ? s.trim() : undefined));

const timelineSeconds = z
  .string()
  .regex(/^\s*\d+(\.\d+)?\s*,\s*\d+(\.\d+)?\s*,\s*\d+(\.\d+)?\s*$/, 'three numbers of seconds, e.g. 60,180,300')
  .transform((s) => s.split(',').map((x) => Number(x.trim())))
  .refine(([a, b, c]) => a > 0 && a <= b && b <= c, 'durations must be positive and ascending')
  .transform(([acknowledgeS, onSceneS, underControlS]) => ({ acknowledgeS, onSceneS, underControlS }));

/**
 * The environment as README documents it, validated once at boot: a bad value
 * is refused naming its variable. Which adapters run follows from what is set:
 * MQTT_URL (external broker, else embedded aedes on MQTT_PORT), KAFKA_BROKERS
 * (Kafka, else the in-process bus), DATABASE_URL (PostgreSQL/TimescaleDB,
 * else embedded PGlite under DATA_DIR).
 */
export const appConfigSchema = z.object({
  PORT: port.default(3000),
  MQTT_PORT: port.default(1883),
  MQTT_HOST: z.string().default('0.0.0.0'),
  MQTT_URL: optionalString,
  KAFKA_BROKERS: optionalString,
  DATABASE_URL: optionalString,
  DATA_DIR: z.string().min(1).default('./data'),
  TIMELINE_SECONDS: timelineSeconds.prefault('60,180,300'),
  TIMELINE_RENOTIFY_S: z.coerce.number().min(0).default(60),
  TIMELINE_MAX_RENOTIFICATIONS: z.coerce.number().int().min(0).max(100).default(3),
  OPERATOR_TOKEN: optionalString,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SEED_ENTERPRISES: z.coerce.number().int().min(1).max(20000).default(2300),
  SEED: z.coerce.number().int().default(1),
  ZONE_FILE: optionalString,
  MAX_CLOCK_SKEW_S: positiveInt.default(300),
  MAX_READING_AGE_S: positiveInt.default(7 * 24 * 3600),
  KAFKA_CLIENT_ID: z.string().min(1).default('zone'),
  KAFKA_NAME_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/, 'letters, digits, ., - and _ only')
    .default(''),
  KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(6),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(10).default(1),
  INGEST_SHARE_GROUP: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only')
    .default('zone-ingest'),
  INGEST_CLIENT_ID: optionalString,
  INGEST_MQTT_CONNECTIONS: z.coerce.number().int().min(1).max(1024).default(128),
  /** How long an external broker keeps ingest's sessions (and queues for them) after ingest is gone. */
  INGEST_SESSION_EXPIRY_S: z.coerce
    .number()
    .int()
    .min(0)
    .max(7 * 86400)
    .default(3600),
  /**
   * Flood control at ingest, a token bucket per device and per enterprise:
   * messages per second and the burst allowed after a quiet spell; a rate of 0
   * turns that limit off. Far above real devices (one message every 1-60 s).
   */
  INGEST_DEVICE_RATE_PER_S: z.coerce.number().min(0).default(20),
  INGEST_DEVICE_BURST: positiveInt.default(200),
  INGEST_ENTERPRISE_RATE_PER_S: z.coerce.number().min(0).default(500),
  INGEST_ENTERPRISE_BURST: positiveInt.default(5000),
  /**
   * MQTT messages one ingest process handles at once; the rest wait
   * unacknowledged, which stops the broker reading more from their
   * connections. Bounds ingest's work and the bus's send queue while the bus
   * is slow.
   */
  INGEST_MAX_IN_FLIGHT: positiveInt.default(4096),
  MQTT_USERNAME: optionalString,
  MQTT_PASSWORD: optionalString,
  /**
   * The embedded broker: `required` lets a client in only as a device (username = device id, password =
   * its secret from POST /api/devices/{id}/credentials) publishing under its own topics; `off` lets anyone
   * publish anything. An external broker (MQTT_URL) enforces its own rules.
   */
  MQTT_DEVICE_AUTH: z.enum(['required', 'off']).default('required'),
  PRESENCE_FLUSH_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  RULE_STATE_SAVE_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  RULE_WINDOW_SAVE_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
  DEADLINE_POLL_MS: positiveInt.default(1000),
  /** How often the risk engine looks for devices silent for three of their reporting intervals. */
  OFFLINE_SWEEP_MS: positiveInt.default(5000),
  /** How often dispatch looks for hazards past their rectification deadline (hazard.overdue). */
  HAZARD_SWEEP_MS: positiveInt.default(10_000),
  MAINTENANCE_INTERVAL_S: positiveInt.default(60),
  /** A rule file (JSON, see libs/domain/src/rules/default-rules.json) replacing the shipped default rules. */
  RULES_FILE: optionalString,
  /** The one webhook every notification goes to; with NOTIFY_WEBHOOK_SECRET it is a complete set-up. */
  NOTIFY_WEBHOOK_URL: optionalString.pipe(z.url({ protocol: /^https?$/, error: 'an http or https URL' }).optional()),
  NOTIFY_WEBHOOK_SECRET: optionalString,
  /** Attempts per notification, the first included, before it is `failed`. */
  NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(10),
  /** The wait after the first failed attempt, doubled after each further one up to NOTIFY_BACKOFF_CAP_MS. */
  NOTIFY_BACKOFF_BASE_MS: positiveInt.default(1000),
  NOTIFY_BACKOFF_CAP_MS: positiveInt.default(300_000),
  /** One attempt's limit: connecting, sending and the answer's status. */
  NOTIFY_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5000),
  /** A routes file (JSON `{"routes": [{"events", "grades"?, "to", "channels"?}]}`) replacing the default routes. */
  NOTIFY_FILE: optionalString,
  /**
   * The command center as a phone outside reaches it, the base of the action links in notifications; unset, the
   * local address on PORT (right for one process; in distributed mode set it for the dispatch processes).
   */
  PUBLIC_URL: optionalString.pipe(z.url({ protocol: /^https?$/, error: 'an http or https URL' }).optional()),
  /** E-mail over SMTP: `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465` (TLS from the start). */
  NOTIFY_SMTP_URL: optionalString.pipe(z.url({ protocol: /^smtps?$/, error: 'an smtp:// or smtps:// URL' }).optional()),
  /** The sender, `Zone <zone@example.org>` or a bare address; required with NOTIFY_SMTP_URL. */
  NOTIFY_SMTP_FROM: optionalString,
  /** STARTTLS on smtp://: `opportunistic` (when the server offers it), `required` (refuse to send in clear) or `off`. */
  NOTIFY_SMTP_TLS: z.enum(['opportunistic', 'required', 'off']).default('opportunistic'),
  /** The command center's own mailbox; without it the command center gets no e-mail. */
  NOTIFY_EMAIL_COMMAND_CENTER: optionalString.pipe(z.email({ error: 'an e-mail address' }).optional()),
  /** An SMS or voice gateway: the URL called per message (placeholders allowed, percent-encoded). */
  NOTIFY_SMS_URL: optionalString.pipe(z.url({ protocol: /^https?$/, error: 'an http or https URL' }).optional()),
  NOTIFY_SMS_METHOD: z.enum(['POST', 'PUT', 'GET']).default('POST'),
  /** A JSON object of header names to string values, e.g. `{"Authorization": "Bearer …"}`. */
  NOTIFY_SMS_HEADERS: optionalString.pipe(
    z
      .string()
      .transform((s, ctx) => {
        try {
          return JSON.parse(s) as unknown;
        } catch {
          ctx.addIssue({ code: 'custom', message: 'not JSON: a JSON object of header names to strings' });
          return z.NEVER;
        }
      })
      .pipe(
        z.record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'a header name'), z.string(), {
          error: 'a JSON object of header names to strings',
        }),
      )
      .optional(),
  ),
  /** The body, with `{{phone}}`, `{{text}}`, `{{incidentId}}`, `{{deliveryId}}`, `{{event}}`, `{{grade}}`. */
  NOTIFY_SMS_BODY_TEMPLATE: optionalString,
  /** The command center's own phone; without it the command center gets no text. */
  NOTIFY_SMS_COMMAND_CENTER: optionalString,

  // Security on the wire in distributed mode: TLS to the external MQTT broker, TLS and SASL to Kafka, TLS to PostgreSQL.
  /** PEM file of the CA that signed the external broker's certificate (mqtts:// only); unset, the system's CAs. */
  MQTT_CA: optionalString,
  /** PEM files of ingest's client certificate and its key, for a broker that asks for one; both or neither. */
  MQTT_CERT: optionalString,
  MQTT_KEY: optionalString,
  /** `true`: every Kafka connection is TLS, the brokers' certificates verified against KAFKA_CA (else the system's CAs). */
  KAFKA_SSL: z.enum(['true', 'false'], { error: 'true or false' }).default('false'),
  KAFKA_CA: optionalString,
  /** SASL login to Kafka, with KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD; unset, no login. */
  KAFKA_SASL_MECHANISM: optionalString.pipe(
    z.enum(['scram-sha-256', 'scram-sha-512', 'plain'], { error: 'scram-sha-256, scram-sha-512 or plain' }).optional(),
  ),
  KAFKA_SASL_USERNAME: optionalString,
  KAFKA_SASL_PASSWORD: optionalString,
  /** PEM file of the CA that signed PostgreSQL's certificate; DATABASE_URL then needs sslmode=verify-full (or none). */
  DATABASE_CA: optionalString,
  // Security on the wire at the edge: the embedded broker's TLS listener and the command center's HTTPS (issue 19).
  /** PEM files of the embedded broker's TLS listener: both, or neither. */
  MQTT_TLS_CERT: optionalString,
  MQTT_TLS_KEY: optionalString,
  MQTT_TLS_PORT: port.default(8883),
  /** The CA (PEM) device certificates are checked against; with MQTT_TLS_CLIENT_AUTH other than off. */
  MQTT_TLS_CA: optionalString,
  /** `required`: every TLS client shows a certificate of MQTT_TLS_CA; `optional`: one may, else it logs in by password. */
  MQTT_TLS_CLIENT_AUTH: z.enum(['required', 'optional', 'off']).default('off'),
  /** `off` closes the plaintext port (MQTT_PORT): devices reach the embedded broker over TLS only. */
  MQTT_PLAIN: z.enum(['on', 'off']).default('on'),
  /** PEM files of the command center's HTTPS: both, or neither. */
  HTTP_TLS_CERT: optionalString,
  HTTP_TLS_KEY: optionalString,
  /** Failed logins (a bad or unknown Bearer token) one source address may make in AUTH_FAILURE_WINDOW_S before it gets 429. */
  AUTH_MAX_FAILURES: positiveInt.default(20),
  AUTH_FAILURE_WINDOW_S: positiveInt.default(60),
});

export type AppEnv = z.infer<typeof appConfigSchema>;

/** The HTTP side of every process. */
export interface HttpConfig {
  port: number;
}

export interface LogConfig {
  level: AppEnv['LOG_LEVEL'];
}

/** The MQTT broker: an external one (url) or the embedded one; read by the broker module and by ingest. */
export interface MqttConfig {
  /** MQTT_URL; absent: the embedded broker on host:port. */
  url: string | undefined;
  host: string;
  port: number;
  deviceAuth: AppEnv['MQTT_DEVICE_AUTH'];
  /** Ingest's login on an external broker. */
  username: string | undefined;
  password: string | undefined;
  /** Ingest's TLS to the external broker: set for an mqtts:// MQTT_URL. */
  externalTls: ClientTlsConfig | undefined;
}

/** TLS to a server this process is a client of, PEM contents: the server's certificate is always verified. */
export interface ClientTlsConfig {
  /** The CA that signed the server's certificate; absent, the system's CAs. */
  ca: string | undefined;
  /** Our own certificate and key, for a server that asks for one. */
  clientCertificate: { cert: string; key: string } | undefined;
}

export interface KafkaSaslConfig {
  mechanism: 'scram-sha-256' | 'scram-sha-512' | 'plain';
  username: string;
  password: string;
}

/** PEM contents, read at boot so that a file that cannot be read stops the process naming its variable. */
export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
}

/** The embedded broker's listeners: plaintext on MqttConfig.port unless closed, TLS when given its files. */
export interface MqttEdgeConfig {
  plain: boolean;
  tls: (TlsFiles & { port: number; ca: Buffer | undefined; clientAuth: AppEnv['MQTT_TLS_CLIENT_AUTH'] }) | undefined;
}

/** HTTPS when given its files; failed logins per source address answered 429 once over the limit. */
export interface HttpEdgeConfig {
  tls: TlsFiles | undefined;
  maxFailedLogins: number;
  failedLoginWindowMs: number;
}

/** The bus: Kafka when brokers are given, else the in-process bus. */
export interface KafkaConfig {
  brokers: string[] | undefined;
  clientId: string;
  namePrefix: string;
  partitions: number;
  replicationFactor: number;
  /** KAFKA_SSL=true. */
  ssl: ClientTlsConfig | undefined;
  sasl: KafkaSaslConfig | undefined;
}

/** PostgreSQL/TimescaleDB at url, else PGlite under dataDir; maintenance runs the TimescaleDB jobs PGlite has no workers for. */
export interface DatabaseConfig {
  url: string | undefined;
  dataDir: string;
  maintenanceIntervalS: number;
  /** DATABASE_CA's PEM: the server's certificate and host name are verified against it. */
  ca: string | undefined;
}

/** The zone loaded into an empty database: the register in zoneFile, or else the generated demo zone. */
export interface SeedConfig {
  enterprises: number;
  seed: number;
  /** A JSON file or a folder of CSV files (ZONE_FILE). */
  zoneFile: string | undefined;
}

export interface IngestConfig {
  shareGroup: string;
  clientId: string | undefined;
  mqttConnections: number;
  sessionExpiryS: number;
  flood: FloodLimits;
  maxInFlight: number;
  maxClockSkewS: number;
  maxReadingAgeS: number;
}

/** The rule file both the risk engine (grading) and the command center (GET /api/rules) read. */
export interface RulesConfig {
  file: string | undefined;
}

export interface RiskEngineConfig {
  ruleStateSaveMs: number;
  ruleWindowSaveMs: number;
  presenceFlushMs: number;
  offlineSweepMs: number;
}

export interface DispatchConfig {
  /** The 1-3-5 policy frozen into each incident dispatch opens. */
  timeline: Required<TimelinePolicy>;
  deadlinePollMs: number;
  hazardSweepMs: number;
}

export interface CommandCenterConfig {
  operatorToken: string | undefined;
  /** Where the operator token is kept when operatorToken is not set. */
  dataDir: string;
}

/** Notifications: the channels configured, the routes file and the retry policy of the outbox's sender. */
export interface NotifyConfig {
  webhook: { url: string; secret: string } | undefined;
  routesFile: string | undefined;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  timeoutMs: number;
  /** The base of action links, without a trailing slash. */
  publicUrl: string;
  email: EmailChannelConfig | undefined;
  sms: SmsChannelConfig | undefined;
  /** Where the command center itself is reached on email and sms. */
  commandCenter: { email?: string; phone?: string };
}

export interface EmailChannelConfig {
  url: string;
  from: string;
  tls: 'opportunistic' | 'required' | 'off';
}

export interface SmsChannelConfig {
  url: string;
  method: 'POST' | 'PUT' | 'GET';
  /** Content-Type included (application/json unless set): it decides how the body's values are escaped. */
  headers: Record<string, string>;
  /** Absent for GET, which sends no body. */
  bodyTemplate: string | undefined;
}

/** A JSON gateway body when none is configured: the phone, the text and the delivery id as the gateway's reference. */
export const DEFAULT_SMS_BODY_TEMPLATE = '{"to": "{{phone}}", "text": "{{text}}", "reference": "{{deliveryId}}"}';

function smsHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const given = headers ?? {};
  return Object.keys(given).some((h) => h.toLowerCase() === 'content-type') ? given : { 'Content-Type': 'application/json', ...given };
}

function contentType(headers: Record<string, string>): string | undefined {
  return Object.entries(headers).find(([h]) => h.toLowerCase() === 'content-type')?.[1];
}

/** Configuration in slices, one per consumer; each is injected on its own (see config-slice.ts). */
export interface AppConfig {
  http: HttpConfig;
  log: LogConfig;
  mqtt: MqttConfig;
  kafka: KafkaConfig;
  database: DatabaseConfig;
  seed: SeedConfig;
  ingest: IngestConfig;
  rules: RulesConfig;
  riskEngine: RiskEngineConfig;
  dispatch: DispatchConfig;
  commandCenter: CommandCenterConfig;
  notify: NotifyConfig;
  mqttEdge: MqttEdgeConfig;
  httpEdge: HttpEdgeConfig;
}

export class ConfigError extends Error {}

/** The PEM files the environment names, read once at start: a file that cannot be read is refused naming its variable. */
interface PemFiles {
  mqtt: ClientTlsConfig | undefined;
  kafka: ClientTlsConfig | undefined;
  databaseCa: string | undefined;
}

function readPemFiles(env: AppEnv, readTextFile: ReadTextFile): PemFiles {
  const read = (variable: keyof AppEnv): string | undefined => {
    const path = env[variable] as string | undefined;
    if (path === undefined) return undefined;
    try {
      return readTextFile(path);
    } catch (error) {
      throw new ConfigError(`invalid configuration: ${variable}: cannot read ${path} (${(error as Error).message})`);
    }
  };
  const mqttCert = read('MQTT_CERT');
  const mqttKey = read('MQTT_KEY');
  return {
    mqtt: env.MQTT_URL?.startsWith('mqtts:')
      ? { ca: read('MQTT_CA'), clientCertificate: mqttCert && mqttKey ? { cert: mqttCert, key: mqttKey } : undefined }
      : undefined,
    kafka: env.KAFKA_SSL === 'true' ? { ca: read('KAFKA_CA'), clientCertificate: undefined } : undefined,
    databaseCa: read('DATABASE_CA'),
  };
}

/** Settings that only make sense together, and TLS settings that would be ignored (leaving a hop in clear) without their scheme. */
function checkWireSecurity(e: AppEnv, ctx: z.RefinementCtx): void {
  const mqtts = e.MQTT_URL?.startsWith('mqtts:') === true;
  for (const variable of ['MQTT_CA', 'MQTT_CERT', 'MQTT_KEY'] as const) {
    if (e[variable] && !mqtts) ctx.addIssue({ code: 'custom', path: [variable], message: 'only with an mqtts:// MQTT_URL' });
  }
  if (e.MQTT_CERT && !e.MQTT_KEY) ctx.addIssue({ code: 'custom', path: ['MQTT_KEY'], message: 'required with MQTT_CERT' });
  if (e.MQTT_KEY && !e.MQTT_CERT) ctx.addIssue({ code: 'custom', path: ['MQTT_CERT'], message: 'required with MQTT_KEY' });
  if (e.KAFKA_CA && e.KAFKA_SSL !== 'true') ctx.addIssue({ code: 'custom', path: ['KAFKA_CA'], message: 'only with KAFKA_SSL=true' });
  for (const variable of ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'] as const) {
    if (e.KAFKA_SASL_MECHANISM && !e[variable])
      ctx.addIssue({ code: 'custom', path: [variable], message: 'required with KAFKA_SASL_MECHANISM' });
    if (!e.KAFKA_SASL_MECHANISM && e[variable])
      ctx.addIssue({ code: 'custom', path: ['KAFKA_SASL_MECHANISM'], message: `required with ${variable}` });
  }
  if (e.DATABASE_CA) {
    const sslmode = e.DATABASE_URL ? databaseSslMode(e.DATABASE_URL) : undefined;
    if (!e.DATABASE_URL) ctx.addIssue({ code: 'custom', path: ['DATABASE_CA'], message: 'only with DATABASE_URL' });
    else if (sslmode !== undefined && sslmode !== 'verify-full')
      ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: `sslmode=${sslmode} with DATABASE_CA: use sslmode=verify-full` });
  }
}

function databaseSslMode(url: string): string | undefined {
  try {
    return new URL(url).searchParams.get('sslmode') ?? undefined;
  } catch {
    return undefined;
  }
}

function toSlices(env: AppEnv, pem: PemFiles): AppConfig {
  return {
    http: { port: env.PORT },
    log: { level: env.LOG_LEVEL },
    mqtt: {
      url: env.MQTT_URL,
      host: env.MQTT_HOST,
      port: env.MQTT_PORT,
      deviceAuth: env.MQTT_DEVICE_AUTH,
      username: env.MQTT_USERNAME,
      password: env.MQTT_PASSWORD,
      externalTls: pem.mqtt,
    },
    kafka: {
      brokers: env.KAFKA_BROKERS?.split(',').map((b) => b.trim()),
      clientId: env.KAFKA_CLIENT_ID,
      namePrefix: env.KAFKA_NAME_PREFIX,
      partitions: env.KAFKA_PARTITIONS,
      replicationFactor: env.KAFKA_REPLICATION_FACTOR,
      ssl: pem.kafka,
      sasl:
        env.KAFKA_SASL_MECHANISM && env.KAFKA_SASL_USERNAME && env.KAFKA_SASL_PASSWORD
          ? { mechanism: env.KAFKA_SASL_MECHANISM, username: env.KAFKA_SASL_USERNAME, password: env.KAFKA_SASL_PASSWORD }
          : undefined,
    },
    database: { url: env.DATABASE_URL, dataDir: env.DATA_DIR, maintenanceIntervalS: env.MAINTENANCE_INTERVAL_S, ca: pem.databaseCa },
    seed: { enterprises: env.SEED_ENTERPRISES, seed: env.SEED, zoneFile: env.ZONE_FILE },
    ingest: {
      shareGroup: env.INGEST_SHARE_GROUP,
      clientId: env.INGEST_CLIENT_ID,
      mqttConnections: env.INGEST_MQTT_CONNECTIONS,
      sessionExpiryS: env.INGEST_SESSION_EXPIRY_S,
      flood: {
        device: { ratePerS: env.INGEST_DEVICE_RATE_PER_S, burst: env.INGEST_DEVICE_BURST },
        enterprise: { ratePerS: env.INGEST_ENTERPRISE_RATE_PER_S, burst: env.INGEST_ENTERPRISE_BURST },
      },
      maxInFlight: env.INGEST_MAX_IN_FLIGHT,
      maxClockSkewS: env.MAX_CLOCK_SKEW_S,
      maxReadingAgeS: env.MAX_READING_AGE_S,
    },
    rules: { file: env.RULES_FILE },
    riskEngine: {
      ruleStateSaveMs: env.RULE_STATE_SAVE_MS,
      ruleWindowSaveMs: env.RULE_WINDOW_SAVE_MS,
      presenceFlushMs: env.PRESENCE_FLUSH_MS,
      offlineSweepMs: env.OFFLINE_SWEEP_MS,
    },
    dispatch: {
      timeline: {
        ...env.TIMELINE_SECONDS,
        renotifyS: env.TIMELINE_RENOTIFY_S,
        maxRenotifications: env.TIMELINE_MAX_RENOTIFICATIONS,
      },
      deadlinePollMs: env.DEADLINE_POLL_MS,
      hazardSweepMs: env.HAZARD_SWEEP_MS,
    },
    commandCenter: { operatorToken: env.OPERATOR_TOKEN, dataDir: env.DATA_DIR },
    notify: {
      webhook:
        env.NOTIFY_WEBHOOK_URL && env.NOTIFY_WEBHOOK_SECRET
          ? { url: env.NOTIFY_WEBHOOK_URL, secret: env.NOTIFY_WEBHOOK_SECRET }
          : undefined,
      routesFile: env.NOTIFY_FILE,
      maxAttempts: env.NOTIFY_MAX_ATTEMPTS,
      backoffBaseMs: env.NOTIFY_BACKOFF_BASE_MS,
      backoffCapMs: env.NOTIFY_BACKOFF_CAP_MS,
      timeoutMs: env.NOTIFY_TIMEOUT_MS,
      publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
      email:
        env.NOTIFY_SMTP_URL && env.NOTIFY_SMTP_FROM
          ? { url: env.NOTIFY_SMTP_URL, from: env.NOTIFY_SMTP_FROM, tls: env.NOTIFY_SMTP_TLS }
          : undefined,
      sms: env.NOTIFY_SMS_URL
        ? {
            url: env.NOTIFY_SMS_URL,
            method: env.NOTIFY_SMS_METHOD,
            headers: smsHeaders(env.NOTIFY_SMS_HEADERS),
            bodyTemplate: env.NOTIFY_SMS_METHOD === 'GET' ? undefined : (env.NOTIFY_SMS_BODY_TEMPLATE ?? DEFAULT_SMS_BODY_TEMPLATE),
          }
        : undefined,
      commandCenter: { email: env.NOTIFY_EMAIL_COMMAND_CENTER, phone: env.NOTIFY_SMS_COMMAND_CENTER },
    },
    ...edgeSlices(env),
  };
}

function edgeSlices(env: AppEnv): Pick<AppConfig, 'mqttEdge' | 'httpEdge'> {
  const read = (file: string | undefined) => (file ? readFileSync(file) : undefined);
  const mqttCert = read(env.MQTT_TLS_CERT);
  const mqttKey = read(env.MQTT_TLS_KEY);
  const httpCert = read(env.HTTP_TLS_CERT);
  const httpKey = read(env.HTTP_TLS_KEY);
  return {
    mqttEdge: {
      plain: env.MQTT_PLAIN === 'on',
      tls:
        mqttCert && mqttKey
          ? { cert: mqttCert, key: mqttKey, port: env.MQTT_TLS_PORT, ca: read(env.MQTT_TLS_CA), clientAuth: env.MQTT_TLS_CLIENT_AUTH }
          : undefined,
    },
    httpEdge: {
      tls: httpCert && httpKey ? { cert: httpCert, key: httpKey } : undefined,
      maxFailedLogins: env.AUTH_MAX_FAILURES,
      failedLoginWindowMs: env.AUTH_FAILURE_WINDOW_S * 1000,
    },
  };
}

/** TLS files come in pairs and must be readable; client certificates need their CA; closing plaintext needs TLS. */
function checkEdgeTls(e: AppEnv, ctx: z.RefinementCtx): void {
  const requireWith = (variable: keyof AppEnv, other: keyof AppEnv) => {
    if (e[other] && !e[variable]) ctx.addIssue({ code: 'custom', path: [variable], message: `required with ${other}` });
  };
  requireWith('MQTT_TLS_KEY', 'MQTT_TLS_CERT');
  requireWith('MQTT_TLS_CERT', 'MQTT_TLS_KEY');
  requireWith('HTTP_TLS_KEY', 'HTTP_TLS_CERT');
  requireWith('HTTP_TLS_CERT', 'HTTP_TLS_KEY');
  for (const variable of ['MQTT_TLS_CERT', 'MQTT_TLS_KEY', 'MQTT_TLS_CA', 'HTTP_TLS_CERT', 'HTTP_TLS_KEY'] as const) {
    const file = e[variable];
    if (!file) continue;
    try {
      readFileSync(file);
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        path: [variable],
        message: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      });
    }
  }
  if (e.MQTT_TLS_CLIENT_AUTH !== 'off' && !e.MQTT_TLS_CA)
    ctx.addIssue({ code: 'custom', path: ['MQTT_TLS_CA'], message: `required with MQTT_TLS_CLIENT_AUTH=${e.MQTT_TLS_CLIENT_AUTH}` });
  if (e.MQTT_TLS_CLIENT_AUTH !== 'off' && !e.MQTT_TLS_CERT)
    ctx.addIssue({ code: 'custom', path: ['MQTT_TLS_CERT'], message: `required with MQTT_TLS_CLIENT_AUTH=${e.MQTT_TLS_CLIENT_AUTH}` });
  if (e.MQTT_TLS_CA && e.MQTT_TLS_CLIENT_AUTH === 'off')
    ctx.addIssue({ code: 'custom', path: ['MQTT_TLS_CLIENT_AUTH'], message: 'required (required or optional) with MQTT_TLS_CA' });
  if (e.MQTT_PLAIN === 'off' && !e.MQTT_TLS_CERT && !e.MQTT_URL)
    ctx.addIssue({
      code: 'custom',
      path: ['MQTT_PLAIN'],
      message: 'off needs MQTT_TLS_CERT and MQTT_TLS_KEY: devices would have no way in',
    });
}

/** A gateway template that could not work is refused at start: unknown placeholders, or a JSON body that is not JSON. */
function checkSmsTemplates(e: AppEnv, ctx: z.RefinementCtx): void {
  if (!e.NOTIFY_SMS_URL) return;
  const badUrl = unknownPlaceholders(e.NOTIFY_SMS_URL);
  if (badUrl.length > 0) ctx.addIssue({ code: 'custom', path: ['NOTIFY_SMS_URL'], message: `unknown placeholders ${badUrl.join(', ')}` });
  if (e.NOTIFY_SMS_METHOD === 'GET') {
    if (e.NOTIFY_SMS_BODY_TEMPLATE) ctx.addIssue({ code: 'custom', path: ['NOTIFY_SMS_BODY_TEMPLATE'], message: 'a GET sends no body' });
    return;
  }
  const template = e.NOTIFY_SMS_BODY_TEMPLATE ?? DEFAULT_SMS_BODY_TEMPLATE;
  const bad = unknownPlaceholders(template);
  if (bad.length > 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['NOTIFY_SMS_BODY_TEMPLATE'],
      message: `unknown placeholders ${bad.join(', ')} (known: {{phone}}, {{text}}, {{incidentId}}, {{deliveryId}}, {{event}}, {{grade}})`,
    });
    return;
  }
  const escaping = escapingForContentType(contentType(smsHeaders(e.NOTIFY_SMS_HEADERS)));
  if (escaping !== 'json') return;
  try {
    JSON.parse(renderGatewayTemplate(template, SAMPLE_GATEWAY_VALUES, 'json'));
  } catch {
    ctx.addIssue({
      code: 'custom',
      path: ['NOTIFY_SMS_BODY_TEMPLATE'],
      message: 'not JSON once filled in (the Content-Type is JSON; put each placeholder inside a JSON string)',
    });
  }
}

/**
 * Validates the flat environment (refusing it naming the bad variable) and maps it into slices; secrets given as
 * `<NAME>_FILE` and the PEM files named are read here, once.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, readTextFile: ReadTextFile = readUtf8File): AppConfig {
  let withSecrets: NodeJS.ProcessEnv;
  try {
    withSecrets = resolveSecretFiles(env, readTextFile);
  } catch (error) {
    if (error instanceof SecretFileError) throw new ConfigError(`invalid configuration: ${error.message}`);
    throw error;
  }
  const result = appConfigSchema
    .superRefine((e, ctx) => {
      // A webhook without its secret would send unsigned deliveries; a secret without a URL is a typo.
      if (e.NOTIFY_WEBHOOK_URL && !e.NOTIFY_WEBHOOK_SECRET)
        ctx.addIssue({ code: 'custom', path: ['NOTIFY_WEBHOOK_SECRET'], message: 'required with NOTIFY_WEBHOOK_URL' });
      if (e.NOTIFY_WEBHOOK_SECRET && !e.NOTIFY_WEBHOOK_URL)
        ctx.addIssue({ code: 'custom', path: ['NOTIFY_WEBHOOK_URL'], message: 'required with NOTIFY_WEBHOOK_SECRET' });
      if (e.NOTIFY_SMTP_URL && !e.NOTIFY_SMTP_FROM)
        ctx.addIssue({ code: 'custom', path: ['NOTIFY_SMTP_FROM'], message: 'required with NOTIFY_SMTP_URL' });
      if (e.NOTIFY_SMTP_FROM && !e.NOTIFY_SMTP_URL)
        ctx.addIssue({ code: 'custom', path: ['NOTIFY_SMTP_URL'], message: 'required with NOTIFY_SMTP_FROM' });
      checkSmsTemplates(e, ctx);
      checkWireSecurity(e, ctx);
      checkEdgeTls(e, ctx);
    })
    .safeParse(withSecrets);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  return toSlices(result.data, readPemFiles(result.data, readTextFile));
}
