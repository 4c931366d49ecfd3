import { Logger } from '@nestjs/common';
import { loadConfig } from '@app/config';
import { DeviceCredentialsRepository, hashToken } from '@app/storage';
import { ManualClock } from '@app/testing';
import { EmbeddedMqttBroker, MqttDevice } from '@app/transport';
import { DeviceMqttAuthorizer, SECRET_CACHE_MS, SECRET_RECHECK_MS } from './device-mqtt-authorizer';
import { DeviceRegistry } from './device-registry';
import { IngestMetrics } from './ingest.metrics';
import { KnownDevice } from './telemetry-validator';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const DEVICES: Record<string, KnownDevice> = {
  'E0001-D01': { id: 'E0001-D01', enterpriseId: 'E0001', type: 'smoke_detector', status: 'active' },
  'E0001-D02': { id: 'E0001-D02', enterpriseId: 'E0001', type: 'gas_detector', status: 'active' },
  'E0001-D03': { id: 'E0001-D03', enterpriseId: 'E0001', type: 'smoke_detector', status: 'retired' },
};
const SECRET = 'right-secret-of-d01';

function setup(env: Record<string, string> = {}) {
  const clock = new ManualClock(T0);
  const stored = new Map<string, string>([
    ['E0001-D01', hashToken(SECRET)],
    ['E0001-D03', hashToken(SECRET)],
  ]);
  const listeners: Array<(deviceId: string) => void> = [];
  const credentials = {
    find: jest.fn(async (deviceId: string) =>
      stored.has(deviceId) ? { deviceId, secretHash: stored.get(deviceId)!, issuedAt: new Date(T0) } : null,
    ),
    onIssued: jest.fn((listener: (deviceId: string) => void) => {
      listeners.push(listener);
      return () => listeners.splice(listeners.indexOf(listener), 1);
    }),
  };
  const retiredListeners: ((deviceId: string) => void)[] = [];
  const registry = {
    findOrReload: jest.fn(async (id: string) => DEVICES[id]),
    onRetired: jest.fn((listener: (deviceId: string) => void) => {
      retiredListeners.push(listener);
      return () => retiredListeners.splice(retiredListeners.indexOf(listener), 1);
    }),
  };
  /** What the registry does when zone.v1 tells it a device it knew as active is retired now. */
  const retire = (deviceId: string) => retiredListeners.forEach((l) => l(deviceId));
  const metrics = { refused: { inc: jest.fn() } };
  const broker = { authorizeWith: jest.fn(), disconnectDevice: jest.fn(() => true) };
  const sut = new DeviceMqttAuthorizer(
    loadConfig(env).mqtt,
    clock,
    registry as unknown as DeviceRegistry,
    credentials as unknown as DeviceCredentialsRepository,
    metrics as unknown as IngestMetrics,
    broker as unknown as EmbeddedMqttBroker,
  );
  /** What POST /api/devices/{id}/credentials does to the table, and, in this process, to the listeners. */
  const issue = (deviceId: string, secret: string, inThisProcess: boolean) => {
    stored.set(deviceId, hashToken(secret));
    if (inThisProcess) listeners.forEach((l) => l(deviceId));
  };
  const refusals = () => metrics.refused.inc.mock.calls.map(([labels]) => (labels as { reason: string }).reason);
  return { sut, clock, credentials, registry, broker, issue, retire, refusals };
}

const login = (username: string | undefined, password: string | undefined) => ({
  clientId: 'client-1',
  username,
  password: password === undefined ? undefined : Buffer.from(password),
});

const D01: MqttDevice = { deviceId: 'E0001-D01', enterpriseId: 'E0001', topicPrefix: 'sites/E0001/devices/E0001-D01/' };

describe('DeviceMqttAuthorizer', () => {
  let warn: jest.SpyInstance;

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  describe('authenticate', () => {
    it('lets a device in with its secret, as the device with its enterprise topics', async () => {
      const { sut, refusals } = setup();
      await expect(sut.authenticate(login('E0001-D01', SECRET))).resolves.toEqual(D01);
      expect(refusals()).toEqual([]);
    });

    it.each([
      ['no username', undefined, SECRET, 'no-credentials'],
      ['no password', 'E0001-D01', undefined, 'no-credentials'],
      ['an empty password', 'E0001-D01', '', 'no-credentials'],
      ['a username that is no device', 'E0009-D99', SECRET, 'unknown-device'],
      ['a wrong secret', 'E0001-D01', 'wrong-secret', 'bad-credentials'],
      ['the secret of another device', 'E0001-D02', SECRET, 'bad-credentials'],
      ['a secret that differs in its last character', 'E0001-D01', `${SECRET.slice(0, -1)}X`, 'bad-credentials'],
    ])('refuses %s and counts it', async (_what, username, password, reason) => {
      const { sut, refusals } = setup();
      await expect(sut.authenticate(login(username, password))).resolves.toBeNull();
      expect(refusals()).toEqual([reason]);
    });

    it('refuses a retired device with its own secret, like an unknown one, and counts it as retired-device', async () => {
      const { sut, refusals, credentials } = setup();
      await expect(sut.authenticate(login('E0001-D03', SECRET))).resolves.toBeNull();
      expect(refusals()).toEqual(['retired-device']);
      expect(credentials.find).not.toHaveBeenCalled();
    });

    it('trusts a secret it read for 30 s, then reads it again', async () => {
      const { sut, clock, credentials } = setup();
      await sut.authenticate(login('E0001-D01', SECRET));
      clock.advance(SECRET_CACHE_MS - 1);
      await expect(sut.authenticate(login('E0001-D01', SECRET))).resolves.toEqual(D01);
      expect(credentials.find).toHaveBeenCalledTimes(1);
      clock.advance(1);
      await expect(sut.authenticate(login('E0001-D01', SECRET))).resolves.toEqual(D01);
      expect(credentials.find).toHaveBeenCalledTimes(2);
    });

    it('reads the database again on a wrong secret at most once a second per device', async () => {
      const { sut, clock, credentials } = setup();
      await sut.authenticate(login('E0001-D01', SECRET));
      for (let i = 0; i < 20; i++) await sut.authenticate(login('E0001-D01', `guess-${i}`));
      expect(credentials.find).toHaveBeenCalledTimes(1);
      clock.advance(SECRET_RECHECK_MS);
      await sut.authenticate(login('E0001-D01', 'guess'));
      expect(credentials.find).toHaveBeenCalledTimes(2);
    });

    it('accepts a secret issued by another process within a second, and the replaced one for at most 30 s', async () => {
      const { sut, clock, issue } = setup();
      await sut.authenticate(login('E0001-D01', SECRET));
      issue('E0001-D01', 'new-secret', false);
      clock.advance(SECRET_RECHECK_MS);
      await expect(sut.authenticate(login('E0001-D01', 'new-secret'))).resolves.toEqual(D01);
      await expect(sut.authenticate(login('E0001-D01', SECRET))).resolves.toBeNull();

      const other = setup();
      await other.sut.authenticate(login('E0001-D01', SECRET));
      other.issue('E0001-D01', 'new-secret', false);
      other.clock.advance(SECRET_CACHE_MS - 1);
      await expect(other.sut.authenticate(login('E0001-D01', SECRET))).resolves.toEqual(D01);
      other.clock.advance(1);
      await expect(other.sut.authenticate(login('E0001-D01', SECRET))).resolves.toBeNull();
    });

    it('forgets a secret issued in this process at once and ends the connection that used it', async () => {
      const { sut, broker, issue } = setup();
      sut.onApplicationBootstrap();
      expect(broker.authorizeWith).toHaveBeenCalledWith(sut);
      await expect(sut.authenticate(login('E0001-D01', SECRET))).resolves.toEqual(D01);
      issue('E0001-D01', 'new-secret', true);
      expect(broker.disconnectDevice).toHaveBeenCalledWith('E0001-D01');
      await expect(sut.authenticate(login('E0001-D01', SECRET))).resolves.toBeNull();
      await expect(sut.authenticate(login('E0001-D01', 'new-secret'))).resolves.toEqual(D01);
      sut.onModuleDestroy();
    });

    it('ends the connection of a device retired while it is connected', () => {
      const { sut, broker, retire } = setup();
      sut.onApplicationBootstrap();
      retire('E0001-D01');
      expect(broker.disconnectDevice).toHaveBeenCalledWith('E0001-D01');
      sut.onModuleDestroy();
      retire('E0001-D02');
      expect(broker.disconnectDevice).toHaveBeenCalledTimes(1);
    });

    it.each<Record<string, string>>([{ MQTT_DEVICE_AUTH: 'off' }, { MQTT_URL: 'mqtt://broker:1883' }])(
      'does not guard the broker with %j',
      (env) => {
        const { sut, broker, credentials } = setup(env);
        sut.onApplicationBootstrap();
        expect(broker.authorizeWith).not.toHaveBeenCalled();
        expect(credentials.onIssued).not.toHaveBeenCalled();
      },
    );
  });

  describe('authorizePublish', () => {
    it.each(['sites/E0001/devices/E0001-D01/telemetry', 'sites/E0001/devices/E0001-D01/status'])(
      'lets a device publish on its own %s',
      (topic) => {
        const { sut, refusals } = setup();
        expect(sut.authorizePublish(D01, topic)).toBe(true);
        expect(refusals()).toEqual([]);
      },
    );

    it.each([
      ['another device of its enterprise', 'sites/E0001/devices/E0001-D02/telemetry'],
      ['its own id under another enterprise', 'sites/E0002/devices/E0001-D01/telemetry'],
      ['a device whose id starts with its own', 'sites/E0001/devices/E0001-D011/telemetry'],
      ['its prefix without the last level', 'sites/E0001/devices/E0001-D01'],
      ['a topic outside sites/', 'factory/E0001/smoke'],
      ['$SYS', '$SYS/broker/uptime'],
    ])('refuses %s and counts it', (_what, topic) => {
      const { sut, refusals } = setup();
      expect(sut.authorizePublish(D01, topic)).toBe(false);
      expect(refusals()).toEqual(['topic-not-allowed']);
    });
  });

  describe('authorizeSubscribe', () => {
    it('lets a device subscribe under its own topics only', () => {
      const { sut, refusals } = setup();
      expect(sut.authorizeSubscribe(D01, 'sites/E0001/devices/E0001-D01/#')).toBe(true);
      expect(sut.authorizeSubscribe(D01, 'sites/#')).toBe(false);
      expect(sut.authorizeSubscribe(D01, 'sites/E0001/devices/+/telemetry')).toBe(false);
      expect(refusals()).toEqual(['subscribe-not-allowed', 'subscribe-not-allowed']);
    });
  });

  describe('logging', () => {
    it('never writes a secret, nor a username that is no device id (it may be a secret in the wrong field)', async () => {
      const { sut, clock } = setup();
      const attempts = [
        login('E0001-D01', 'wrong-secret-1234'),
        login(SECRET, SECRET),
        login('E0001-D01', undefined),
        login(undefined, SECRET),
      ];
      for (const attempt of attempts) {
        await sut.authenticate(attempt);
        clock.advance(60_000);
      }
      const logged = warn.mock.calls.map((args) => args.join(' ')).join('\n');
      expect(warn).toHaveBeenCalledTimes(4);
      expect(logged).toContain('E0001-D01');
      for (const secret of [SECRET, 'wrong-secret-1234']) expect(logged).not.toContain(secret);
    });

    it('writes at most one line per reason every 10 s, saying how many it left out', async () => {
      const { sut, clock } = setup();
      for (let i = 0; i < 5; i++) await sut.authenticate(login('E0001-D01', `wrong-${i}`));
      sut.authorizePublish(D01, 'sites/E0002/devices/X/telemetry');
      expect(warn).toHaveBeenCalledTimes(2);
      clock.advance(10_000);
      await sut.authenticate(login('E0001-D01', 'wrong'));
      expect(warn).toHaveBeenCalledTimes(3);
      expect(warn.mock.calls[2][0]).toMatch(/^refused \(bad-credentials\): device E0001-D01: .*\(and 4 more since the last report\)$/);
    });
  });
});
