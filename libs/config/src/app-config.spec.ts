import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DEFAULT_SMS_BODY_TEMPLATE, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('gives the embedded defaults of SPEC.md on an empty environment', () => {
    const sut = loadConfig({});
    expect(sut).toMatchObject({ http: { port: 3000 }, mqtt: { port: 1883 }, database: { dataDir: './data' } });
    expect(sut.dispatch.timeline).toEqual({ acknowledgeS: 60, onSceneS: 180, underControlS: 300, renotifyS: 60, maxRenotifications: 3 });
    expect(sut.mqtt.url).toBeUndefined();
    expect(sut.kafka.brokers).toBeUndefined();
    expect(sut.database.url).toBeUndefined();
  });

  it('lets devices onto the embedded broker only with credentials unless told otherwise', () => {
    expect(loadConfig({}).mqtt.deviceAuth).toBe('required');
    expect(loadConfig({ MQTT_DEVICE_AUTH: 'off' }).mqtt.deviceAuth).toBe('off');
  });

  it('sends every notification to one webhook given NOTIFY_WEBHOOK_URL and NOTIFY_WEBHOOK_SECRET alone, 10 attempts by default', () => {
    expect(loadConfig({}).notify).toMatchObject({ webhook: undefined, maxAttempts: 10, routesFile: undefined, timeoutMs: 5000 });
    expect(loadConfig({ NOTIFY_WEBHOOK_URL: 'https://hooks.example/zone', NOTIFY_WEBHOOK_SECRET: 'k' }).notify.webhook).toEqual({
      url: 'https://hooks.example/zone',
      secret: 'k',
    });
    expect(loadConfig({ NOTIFY_MAX_ATTEMPTS: '3' }).notify.maxAttempts).toBe(3);
  });

  it('builds action links on PUBLIC_URL, by default the local command center on PORT', () => {
    expect(loadConfig({}).notify.publicUrl).toBe('http://localhost:3000');
    expect(loadConfig({ PORT: '8080' }).notify.publicUrl).toBe('http://localhost:8080');
    expect(loadConfig({ PUBLIC_URL: 'https://zone.example.cn/' }).notify.publicUrl).toBe('https://zone.example.cn');
  });

  it('configures e-mail given NOTIFY_SMTP_URL and NOTIFY_SMTP_FROM, STARTTLS when offered by default', () => {
    expect(loadConfig({}).notify.email).toBeUndefined();
    expect(loadConfig({ NOTIFY_SMTP_URL: 'smtps://u:p@mail.example:465', NOTIFY_SMTP_FROM: 'Zone <z@zone.example>' }).notify).toMatchObject(
      {
        email: { url: 'smtps://u:p@mail.example:465', from: 'Zone <z@zone.example>', tls: 'opportunistic' },
      },
    );
    expect(loadConfig({ NOTIFY_EMAIL_COMMAND_CENTER: 'cc@zone.example', NOTIFY_SMS_COMMAND_CENTER: '+86 1' }).notify.commandCenter).toEqual(
      {
        email: 'cc@zone.example',
        phone: '+86 1',
      },
    );
  });

  it('configures the SMS gateway given NOTIFY_SMS_URL: POST of a JSON body by default, headers from a JSON object', () => {
    expect(loadConfig({}).notify.sms).toBeUndefined();
    expect(loadConfig({ NOTIFY_SMS_URL: 'https://gw.example/send' }).notify.sms).toEqual({
      url: 'https://gw.example/send',
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      bodyTemplate: DEFAULT_SMS_BODY_TEMPLATE,
    });
    const form = loadConfig({
      NOTIFY_SMS_URL: 'https://gw.example/send',
      NOTIFY_SMS_METHOD: 'PUT',
      NOTIFY_SMS_HEADERS: '{"content-type": "application/x-www-form-urlencoded", "Authorization": "Basic eDp5"}',
      NOTIFY_SMS_BODY_TEMPLATE: 'to={{phone}}&text={{text}}',
    }).notify.sms;
    expect(form).toEqual({
      url: 'https://gw.example/send',
      method: 'PUT',
      headers: { 'content-type': 'application/x-www-form-urlencoded', Authorization: 'Basic eDp5' },
      bodyTemplate: 'to={{phone}}&text={{text}}',
    });
    expect(
      loadConfig({ NOTIFY_SMS_URL: 'https://gw.example/call?to={{phone}}', NOTIFY_SMS_METHOD: 'GET' }).notify.sms?.bodyTemplate,
    ).toBeUndefined();
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ DATABASE_URL: '  ' }).database.url).toBeUndefined();
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ MQTT_PORT: '70000' }, 'MQTT_PORT'],
    [{ TIMELINE_SECONDS: '60,180' }, 'TIMELINE_SECONDS'],
    [{ TIMELINE_SECONDS: '300,180,60' }, 'TIMELINE_SECONDS'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ MQTT_DEVICE_AUTH: 'optional' }, 'MQTT_DEVICE_AUTH'],
    [{ RULE_STATE_SAVE_MS: '-1' }, 'RULE_STATE_SAVE_MS'],
    [{ NOTIFY_WEBHOOK_URL: 'ftp://x', NOTIFY_WEBHOOK_SECRET: 's' }, 'NOTIFY_WEBHOOK_URL'],
    [{ NOTIFY_WEBHOOK_URL: 'http://127.0.0.1:9/hook' }, 'NOTIFY_WEBHOOK_SECRET'],
    [{ NOTIFY_WEBHOOK_SECRET: 's' }, 'NOTIFY_WEBHOOK_URL'],
    [{ NOTIFY_MAX_ATTEMPTS: '0' }, 'NOTIFY_MAX_ATTEMPTS'],
    [{ PUBLIC_URL: 'zone.example.cn' }, 'PUBLIC_URL'],
    [{ NOTIFY_SMTP_URL: 'http://mail.example', NOTIFY_SMTP_FROM: 'z@zone.example' }, 'NOTIFY_SMTP_URL'],
    [{ NOTIFY_SMTP_URL: 'smtp://mail.example' }, 'NOTIFY_SMTP_FROM'],
    [{ NOTIFY_SMTP_FROM: 'z@zone.example' }, 'NOTIFY_SMTP_URL'],
    [{ NOTIFY_SMTP_TLS: 'maybe' }, 'NOTIFY_SMTP_TLS'],
    [{ NOTIFY_EMAIL_COMMAND_CENTER: 'not-an-address' }, 'NOTIFY_EMAIL_COMMAND_CENTER'],
    [{ NOTIFY_SMS_URL: 'gateway.example/send' }, 'NOTIFY_SMS_URL'],
    [{ NOTIFY_SMS_URL: 'https://gw.example/send?to={{msisdn}}' }, 'NOTIFY_SMS_URL'],
    [{ NOTIFY_SMS_URL: 'https://gw.example/send', NOTIFY_SMS_METHOD: 'DELETE' }, 'NOTIFY_SMS_METHOD'],
    [{ NOTIFY_SMS_URL: 'https://gw.example/send', NOTIFY_SMS_HEADERS: '{Authorization: x}' }, 'NOTIFY_SMS_HEADERS'],
    [{ NOTIFY_SMS_URL: 'https://gw.example/send', NOTIFY_SMS_HEADERS: '["x"]' }, 'NOTIFY_SMS_HEADERS'],
    [{ NOTIFY_SMS_URL: 'https://gw.example/send', NOTIFY_SMS_HEADERS: '{"X-Key": 5}' }, 'NOTIFY_SMS_HEADERS'],
    [{ NOTIFY_SMS_URL: 'https://gw.example/send', NOTIFY_SMS_HEADERS: '{"bad header": "x"}' }, 'NOTIFY_SMS_HEADERS'],
    [{ NOTIFY_SMS_URL: 'https://gw.example/send', NOTIFY_SMS_BODY_TEMPLATE: '{"to": "{{msisdn}}"}' }, 'NOTIFY_SMS_BODY_TEMPLATE'],
    [{ NOTIFY_SMS_URL: 'https://gw.example/send', NOTIFY_SMS_BODY_TEMPLATE: '{"to": {{phone}}}' }, 'NOTIFY_SMS_BODY_TEMPLATE'],
    [{ NOTIFY_SMS_URL: 'https://gw.example/send', NOTIFY_SMS_METHOD: 'GET', NOTIFY_SMS_BODY_TEMPLATE: 'x' }, 'NOTIFY_SMS_BODY_TEMPLATE'],
  ])('refuses %j naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });

  it('reads short timeline durations for tests', () => {
    expect(loadConfig({ TIMELINE_SECONDS: '1,2,3' }).dispatch.timeline).toEqual({
      acknowledgeS: 1,
      onSceneS: 2,
      underControlS: 3,
      renotifyS: 60,
      maxRenotifications: 3,
    });
  });

  it('gives each consumer its variables under the names README documents', () => {
    const sut = loadConfig({
      PORT: '8080',
      LOG_LEVEL: 'debug',
      MQTT_URL: 'mqtt://broker:1883',
      MQTT_HOST: '127.0.0.1',
      MQTT_PORT: '1884',
      MQTT_USERNAME: 'ingest',
      MQTT_PASSWORD: 'pw',
      KAFKA_BROKERS: 'k1:9092, k2:9092',
      KAFKA_CLIENT_ID: 'zone-test',
      KAFKA_NAME_PREFIX: 'run1.',
      KAFKA_PARTITIONS: '4',
      KAFKA_REPLICATION_FACTOR: '3',
      DATABASE_URL: 'postgres://db/zone',
      DATA_DIR: '/var/zone',
      MAINTENANCE_INTERVAL_S: '30',
      SEED_ENTERPRISES: '20',
      SEED: '7',
      ZONE_FILE: '/etc/zone/register',
      INGEST_SHARE_GROUP: 'g',
      INGEST_CLIENT_ID: 'ingest-1',
      INGEST_MQTT_CONNECTIONS: '8',
      INGEST_SESSION_EXPIRY_S: '120',
      INGEST_DEVICE_RATE_PER_S: '2',
      INGEST_DEVICE_BURST: '3',
      INGEST_ENTERPRISE_RATE_PER_S: '4',
      INGEST_ENTERPRISE_BURST: '5',
      INGEST_MAX_IN_FLIGHT: '6',
      MAX_CLOCK_SKEW_S: '7',
      MAX_READING_AGE_S: '8',
      RULES_FILE: '/etc/zone/rules.json',
      RULE_STATE_SAVE_MS: '100',
      RULE_WINDOW_SAVE_MS: '200',
      PRESENCE_FLUSH_MS: '300',
      OFFLINE_SWEEP_MS: '400',
      TIMELINE_SECONDS: '10,20,30',
      TIMELINE_RENOTIFY_S: '5',
      TIMELINE_MAX_RENOTIFICATIONS: '2',
      DEADLINE_POLL_MS: '50',
      HAZARD_SWEEP_MS: '60',
      OPERATOR_TOKEN: 'op',
      NOTIFY_WEBHOOK_URL: 'http://hooks/zone',
      NOTIFY_WEBHOOK_SECRET: 'sec',
      NOTIFY_FILE: '/etc/zone/notify.json',
      NOTIFY_MAX_ATTEMPTS: '4',
      NOTIFY_BACKOFF_BASE_MS: '10',
      NOTIFY_BACKOFF_CAP_MS: '20',
      NOTIFY_TIMEOUT_MS: '300',
      MQTT_PLAIN: 'off',
      AUTH_MAX_FAILURES: '5',
      AUTH_FAILURE_WINDOW_S: '30',
    });
    expect(sut).toEqual({
      http: { port: 8080 },
      log: { level: 'debug' },
      mqtt: {
        url: 'mqtt://broker:1883',
        host: '127.0.0.1',
        port: 1884,
        deviceAuth: 'required',
        username: 'ingest',
        password: 'pw',
        externalTls: undefined,
      },
      kafka: {
        brokers: ['k1:9092', 'k2:9092'],
        clientId: 'zone-test',
        namePrefix: 'run1.',
        partitions: 4,
        replicationFactor: 3,
        ssl: undefined,
        sasl: undefined,
      },
      database: { url: 'postgres://db/zone', dataDir: '/var/zone', maintenanceIntervalS: 30, ca: undefined },
      seed: { enterprises: 20, seed: 7, zoneFile: '/etc/zone/register' },
      ingest: {
        shareGroup: 'g',
        clientId: 'ingest-1',
        mqttConnections: 8,
        sessionExpiryS: 120,
        flood: { device: { ratePerS: 2, burst: 3 }, enterprise: { ratePerS: 4, burst: 5 } },
        maxInFlight: 6,
        maxClockSkewS: 7,
        maxReadingAgeS: 8,
      },
      rules: { file: '/etc/zone/rules.json' },
      riskEngine: { ruleStateSaveMs: 100, ruleWindowSaveMs: 200, presenceFlushMs: 300, offlineSweepMs: 400 },
      dispatch: {
        timeline: { acknowledgeS: 10, onSceneS: 20, underControlS: 30, renotifyS: 5, maxRenotifications: 2 },
        deadlinePollMs: 50,
        hazardSweepMs: 60,
      },
      commandCenter: { operatorToken: 'op', dataDir: '/var/zone' },
      notify: {
        webhook: { url: 'http://hooks/zone', secret: 'sec' },
        routesFile: '/etc/zone/notify.json',
        maxAttempts: 4,
        backoffBaseMs: 10,
        backoffCapMs: 20,
        timeoutMs: 300,
        publicUrl: 'http://localhost:8080',
        email: undefined,
        sms: undefined,
        commandCenter: { email: undefined, phone: undefined },
      },
      mqttEdge: { plain: false, tls: undefined },
      httpEdge: { tls: undefined, maxFailedLogins: 5, failedLoginWindowMs: 30_000 },
    });
  });

  describe('security on the wire', () => {
    const pem: Record<string, string> = {
      '/tls/ca.pem': 'CA PEM',
      '/tls/ingest.pem': 'CERT PEM',
      '/tls/ingest.key': 'KEY PEM',
      '/run/secrets/kafka': 'kafka-pw\n',
    };
    const readTextFile = (path: string): string => {
      if (!(path in pem)) throw new Error(`ENOENT: no such file, open '${path}'`);
      return pem[path];
    };

    it('reads the broker CA and ingest client certificate for an mqtts:// MQTT_URL', () => {
      const env = { MQTT_URL: 'mqtts://broker:8883', MQTT_CA: '/tls/ca.pem', MQTT_CERT: '/tls/ingest.pem', MQTT_KEY: '/tls/ingest.key' };
      expect(loadConfig(env, readTextFile).mqtt.externalTls).toEqual({
        ca: 'CA PEM',
        clientCertificate: { cert: 'CERT PEM', key: 'KEY PEM' },
      });
      expect(loadConfig({ MQTT_URL: 'mqtts://broker:8883' }, readTextFile).mqtt.externalTls).toEqual({
        ca: undefined,
        clientCertificate: undefined,
      });
      expect(loadConfig({ MQTT_URL: 'mqtt://broker:1883' }, readTextFile).mqtt.externalTls).toBeUndefined();
    });

    it('maps KAFKA_SSL and SASL, the password from a file', () => {
      const env = {
        KAFKA_BROKERS: 'k1:9093',
        KAFKA_SSL: 'true',
        KAFKA_CA: '/tls/ca.pem',
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'zone',
        KAFKA_SASL_PASSWORD_FILE: '/run/secrets/kafka',
      };
      expect(loadConfig(env, readTextFile).kafka).toMatchObject({
        ssl: { ca: 'CA PEM', clientCertificate: undefined },
        sasl: { mechanism: 'scram-sha-512', username: 'zone', password: 'kafka-pw' },
      });
    });

    it('reads DATABASE_CA for a verify-full DATABASE_URL', () => {
      const env = { DATABASE_URL: 'postgres://db/zone?sslmode=verify-full', DATABASE_CA: '/tls/ca.pem' };
      expect(loadConfig(env, readTextFile).database.ca).toBe('CA PEM');
    });

    it.each([
      [{ MQTT_URL: 'mqtt://broker:1883', MQTT_CA: '/tls/ca.pem' }, 'MQTT_CA: only with an mqtts:// MQTT_URL'],
      [{ MQTT_URL: 'mqtts://broker:8883', MQTT_CERT: '/tls/ingest.pem' }, 'MQTT_KEY: required with MQTT_CERT'],
      [{ MQTT_URL: 'mqtts://broker:8883', MQTT_CA: '/tls/missing.pem' }, 'MQTT_CA: cannot read /tls/missing.pem'],
      [{ KAFKA_CA: '/tls/ca.pem' }, 'KAFKA_CA: only with KAFKA_SSL=true'],
      [{ KAFKA_SSL: 'yes' }, 'KAFKA_SSL: true or false'],
      [{ KAFKA_SASL_MECHANISM: 'scram-sha-1' }, 'KAFKA_SASL_MECHANISM: scram-sha-256, scram-sha-512 or plain'],
      [{ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'zone' }, 'KAFKA_SASL_PASSWORD: required with KAFKA_SASL_MECHANISM'],
      [{ KAFKA_SASL_USERNAME: 'zone' }, 'KAFKA_SASL_MECHANISM: required with KAFKA_SASL_USERNAME'],
      [{ DATABASE_CA: '/tls/ca.pem' }, 'DATABASE_CA: only with DATABASE_URL'],
      [
        { DATABASE_URL: 'postgres://db/zone?sslmode=require', DATABASE_CA: '/tls/ca.pem' },
        'DATABASE_URL: sslmode=require with DATABASE_CA',
      ],
      [{ OPERATOR_TOKEN: 't', OPERATOR_TOKEN_FILE: '/run/secrets/kafka' }, 'OPERATOR_TOKEN and OPERATOR_TOKEN_FILE are both set'],
      [{ MQTT_PASSWORD_FILE: '/run/secrets/missing' }, 'MQTT_PASSWORD_FILE: cannot read /run/secrets/missing'],
    ])('refuses %j naming the variable', (env, message) => {
      expect(() => loadConfig(env, readTextFile)).toThrow(ConfigError);
      expect(() => loadConfig(env, readTextFile)).toThrow(message);
    });
  });
});

describe('loadConfig: security on the wire at the edge', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edge-config-'));
  const pem = (name: string) => {
    const file = join(dir, name);
    writeFileSync(file, `-----BEGIN ${name}-----\n-----END ${name}-----\n`);
    return file;
  };
  const [cert, key, ca] = [pem('cert.pem'), pem('key.pem'), pem('ca.pem')];
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('opens only the plaintext broker port and plain HTTP by default, 20 failed logins a minute per address', () => {
    const sut = loadConfig({});
    expect(sut.mqttEdge).toEqual({ plain: true, tls: undefined });
    expect(sut.httpEdge).toEqual({ tls: undefined, maxFailedLogins: 20, failedLoginWindowMs: 60_000 });
  });

  it('reads the TLS files at boot: the broker on 8883 by default, client certificates off unless asked for', () => {
    const sut = loadConfig({ MQTT_TLS_CERT: cert, MQTT_TLS_KEY: key, HTTP_TLS_CERT: cert, HTTP_TLS_KEY: key });
    expect(sut.mqttEdge.tls).toEqual({ cert: readFileSync(cert), key: readFileSync(key), port: 8883, ca: undefined, clientAuth: 'off' });
    expect(sut.httpEdge.tls).toEqual({ cert: readFileSync(cert), key: readFileSync(key) });
    const required = loadConfig({
      MQTT_TLS_CERT: cert,
      MQTT_TLS_KEY: key,
      MQTT_TLS_CA: ca,
      MQTT_TLS_CLIENT_AUTH: 'required',
      MQTT_PLAIN: 'off',
    });
    expect(required.mqttEdge).toMatchObject({ plain: false, tls: { ca: readFileSync(ca), clientAuth: 'required' } });
  });

  it.each([
    [{ MQTT_TLS_CERT: cert }, 'MQTT_TLS_KEY: required with MQTT_TLS_CERT'],
    [{ MQTT_TLS_KEY: key }, 'MQTT_TLS_CERT: required with MQTT_TLS_KEY'],
    [{ HTTP_TLS_CERT: cert }, 'HTTP_TLS_KEY: required with HTTP_TLS_CERT'],
    [{ HTTP_TLS_KEY: key }, 'HTTP_TLS_CERT: required with HTTP_TLS_KEY'],
    [{ MQTT_TLS_CERT: cert, MQTT_TLS_KEY: join(dir, 'missing.pem') }, 'MQTT_TLS_KEY: cannot read'],
    [{ HTTP_TLS_CERT: join(dir, 'missing.pem'), HTTP_TLS_KEY: key }, 'HTTP_TLS_CERT: cannot read'],
    [
      { MQTT_TLS_CERT: cert, MQTT_TLS_KEY: key, MQTT_TLS_CLIENT_AUTH: 'required' },
      'MQTT_TLS_CA: required with MQTT_TLS_CLIENT_AUTH=required',
    ],
    [{ MQTT_TLS_CA: ca, MQTT_TLS_CLIENT_AUTH: 'optional' }, 'MQTT_TLS_CERT: required with MQTT_TLS_CLIENT_AUTH=optional'],
    [{ MQTT_TLS_CERT: cert, MQTT_TLS_KEY: key, MQTT_TLS_CA: ca }, 'MQTT_TLS_CLIENT_AUTH: required (required or optional) with MQTT_TLS_CA'],
    [{ MQTT_TLS_CLIENT_AUTH: 'sometimes' }, 'MQTT_TLS_CLIENT_AUTH'],
    [{ MQTT_PLAIN: 'off' }, 'MQTT_PLAIN: off needs MQTT_TLS_CERT and MQTT_TLS_KEY'],
    [{ AUTH_MAX_FAILURES: '0' }, 'AUTH_MAX_FAILURES'],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('lets MQTT_PLAIN=off pass with an external broker, which the embedded listeners do not concern', () => {
    expect(loadConfig({ MQTT_PLAIN: 'off', MQTT_URL: 'mqtt://broker:1883' }).mqttEdge.plain).toBe(false);
  });
});
