import { Logger } from '@nestjs/common';
import { loadConfig } from '@app/config';
import { DeviceCertificatesRepository, DeviceCredentialsRepository, hashToken } from '@app/storage';
import { ManualClock } from '@app/testing';
import { EmbeddedMqttBroker, MqttDevice, ZoneChange, ZoneChanges } from '@app/transport';
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
const FINGERPRINT = 'ab'.repeat(32);

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
  const fingerprints = new Map<string, string>([
    ['E0001-D01', FINGERPRINT],
    ['E0001-D03', FINGERPRINT],
  ]);
  const certificates = {
    find: jest.fn(async (deviceId: string) =>
      fingerprints.has(deviceId) ? { deviceId, fingerprint: fingerprints.get(deviceId)!, registeredAt: new Date(T0) } : null,
    ),
  };
  const zoneHandlers: Array<(changed: ZoneChange) => Promise<void>> = [];
  const zoneChanges = {
    subscribe: jest.fn(async (_name: string, _kinds: string[], handler: (changed: ZoneChange) => Promise<void>) => {
      zoneHandlers.push(handler);
    }),
  };
  /** What PUT or DELETE /api/devices/{id}/certificate does in any process: the table, then a zone.v1 notice. */
  const registerCertificate = async (deviceId: string, fingerprint: string | null) => {
    if (fingerprint) fingerprints.set(deviceId, fingerprint);
    else fingerprints.delete(deviceId);
    for (const handler of zoneHandlers) await handler({ deviceCertificates: [deviceId] });
  };
  const metrics = { refused: { inc: jest.fn() } };
  const connected = new Map<string, MqttDevice>();
  const tlsRefusedListeners: Array<(reason: string, remoteAddress: string | undefined) => void> = [];
  const broker = {
    authorizeWith: jest.fn(),
    onTlsRefused: jest.fn((listener: (reason: string, remoteAddress: string | undefined) => void) => {
      tlsRefusedListeners.push(listener);
      return () => tlsRefusedListeners.splice(tlsRefusedListeners.indexOf(listener), 1);
    }),
    disconnectDevice: jest.fn((deviceId: string, when: (device: MqttDevice) => boolean = () => true) => {
      const device = connected.get(deviceId);
      return device !== undefined && when(device) && connected.delete(deviceId);
    }),
  };
  const sut = new DeviceMqttAuthorizer(
    loadConfig(env).mqtt,
    clock,
    registry as unknown as DeviceRegistry,
    credentials as unknown as DeviceCredentialsRepository,
    metrics as unknown as IngestMetrics,
    certificates as unknown as DeviceCertificatesRepository,
    zoneChanges as unknown as ZoneChanges,
    broker as unknown as EmbeddedMqttBroker,
  );
  /** What POST /api/devices/{id}/credentials does to the table, and, in this process, to the listeners. */
  const issue = (deviceId: string, secret: string, inThisProcess: boolean) => {
    stored.set(deviceId, hashToken(secret));
    if (inThisProcess) listeners.forEach((l) => l(deviceId));
  };
  const refusals = () => metrics.refused.inc.mock.calls.map(([labels]) => (labels as { reason: string }).reason);
  /** What the broker does when a TLS handshake fails. */
  const tlsRefused = (reason: string) => tlsRefusedListeners.forEach((l) => l(reason, '10.0.0.9'));
  return {
    sut,
    clock,
    credentials,
    certificates,
    zoneChanges,
    registry,
    broker,
    connected,
    issue,
    retire,
    registerCertificate,
    tlsRefused,
    refusals,
  };
}

const login = (username: string | undefined, password: string | undefined) => ({
  clientId: 'client-1',
  username,
  password: password === undefined ? undefined : Buffer.from(password),
});

const D01: MqttDevice = { deviceId: 'E0001-D01', enterpriseId: 'E0001', topicPrefix: 'sites/E0001/devices/E0001-D01/' };
const D01_BY_CERTIFICATE: MqttDevice = { ...D01, certificateFingerprint: FINGERPRINT };

const certificateLogin = (
  claimed: { clientId?: string; username?: string },
  commonName = 'E0001-D01',
  fingerprint = FINGERPRINT,
  password?: string,
) => ({
  clientId: claimed.clientId ?? 'mqttjs_1234',
  username: claimed.username,
  password: password === undefined ? undefined : Buffer.from(password),
  certificate: { commonName, fingerprint },
});

describe('DeviceMqttAuthorizer', () => {
  let warn: jest.SpyInstance;

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
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
      await sut.onApplicationBootstrap();
      expect(broker.authorizeWith).toHaveBeenCalledWith(sut);
      await expect(sut.authenticate(login('E0001-D01', SECRET))).resolves.toEqual(D01);
      issue('E0001-D01', 'new-secret', true);
      expect(broker.disconnectDevice).toHaveBeenCalledWith('E0001-D01');
      await expect(sut.authenticate(login('E0001-D01', SECRET))).resolves.toBeNull();
      await expect(sut.authenticate(login('E0001-D01', 'new-secret'))).resolves.toEqual(D01);
      sut.onModuleDestroy();
    });

    it('ends the connection of a device retired while it is connected', async () => {
      const { sut, broker, retire } = setup();
      await sut.onApplicationBootstrap();
      retire('E0001-D01');
      expect(broker.disconnectDevice).toHaveBeenCalledWith('E0001-D01');
      sut.onModuleDestroy();
      retire('E0001-D02');
      expect(broker.disconnectDevice).toHaveBeenCalledTimes(1);
    });

    it.each<Record<string, string>>([{ MQTT_DEVICE_AUTH: 'off' }, { MQTT_URL: 'mqtt://broker:1883' }])(
      'does not guard the broker with %j',
      (env) => {
        const { sut, broker, credentials, zoneChanges } = setup(env);
        void sut.onApplicationBootstrap();
        expect(broker.authorizeWith).not.toHaveBeenCalled();
        expect(credentials.onIssued).not.toHaveBeenCalled();
        expect(zoneChanges.subscribe).not.toHaveBeenCalled();
      },
    );
  });

  describe('authenticate by client certificate', () => {
    it.each([
      ['by its client id', { clientId: 'E0001-D01' }],
      ['by its username', { username: 'E0001-D01' }],
    ])('lets a device in without a password when it claims its CN %s and the fingerprint is registered', async (_how, claimed) => {
      const { sut, refusals, credentials } = setup();
      await expect(sut.authenticate(certificateLogin(claimed))).resolves.toEqual(D01_BY_CERTIFICATE);
      expect(refusals()).toEqual([]);
      expect(credentials.find).not.toHaveBeenCalled();
    });

    it.each([
      ['a client id other than its CN', certificateLogin({ clientId: 'E0001-D02' }), 'certificate-for-another-device'],
      [
        'a username other than its CN',
        certificateLogin({ clientId: 'E0001-D01', username: 'E0001-D02' }),
        'certificate-for-another-device',
      ],
      ['no device id at all (a generated client id)', certificateLogin({}), 'certificate-for-another-device'],
      ['a CN that is no device', certificateLogin({ clientId: 'E0009-D99' }, 'E0009-D99'), 'unknown-device'],
      ['a retired device', certificateLogin({ clientId: 'E0001-D03' }, 'E0001-D03'), 'retired-device'],
      ['a device with no certificate registered', certificateLogin({ clientId: 'E0001-D02' }, 'E0001-D02'), 'unregistered-certificate'],
      [
        'a certificate other than the registered one',
        certificateLogin({ clientId: 'E0001-D01' }, 'E0001-D01', 'cd'.repeat(32)),
        'unregistered-certificate',
      ],
    ])('refuses %s and counts it', async (_what, attempt, reason) => {
      const { sut, refusals } = setup();
      await expect(sut.authenticate(attempt)).resolves.toBeNull();
      expect(refusals()).toEqual([reason]);
    });

    it('checks the password, not the certificate, when a client gives both', async () => {
      const { sut, certificates } = setup();
      await expect(sut.authenticate(certificateLogin({ username: 'E0001-D01' }, 'E0001-D01', FINGERPRINT, 'wrong'))).resolves.toBeNull();
      await expect(sut.authenticate(certificateLogin({ username: 'E0001-D01' }, 'E0001-D01', FINGERPRINT, SECRET))).resolves.toEqual(D01);
      expect(certificates.find).not.toHaveBeenCalled();
    });

    it('counts and logs a failed TLS handshake, which never reaches authenticate, with its address and reason', async () => {
      const { sut, tlsRefused, refusals } = setup();
      await sut.onApplicationBootstrap();
      tlsRefused('certificate has expired');
      expect(refusals()).toEqual(['tls-handshake-failed']);
      expect(warn).toHaveBeenCalledWith('refused (tls-handshake-failed): 10.0.0.9: certificate has expired');
      sut.onModuleDestroy();
      tlsRefused('certificate has expired');
      expect(refusals()).toEqual(['tls-handshake-failed']);
    });

    it('trusts a fingerprint it read for 30 s and reads again on a different one at most once a second', async () => {
      const { sut, clock, certificates } = setup();
      const other = certificateLogin({ clientId: 'E0001-D01' }, 'E0001-D01', 'cd'.repeat(32));
      await sut.authenticate(certificateLogin({ clientId: 'E0001-D01' }));
      for (let i = 0; i < 5; i++) await sut.authenticate(other);
      clock.advance(SECRET_CACHE_MS - 1);
      await expect(sut.authenticate(certificateLogin({ clientId: 'E0001-D01' }))).resolves.toEqual(D01_BY_CERTIFICATE);
      expect(certificates.find).toHaveBeenCalledTimes(1);
      await sut.authenticate(other);
      expect(certificates.find).toHaveBeenCalledTimes(2);
    });

    it('on a registration changed in any process, forgets the old one at once and ends only a connection made by certificate', async () => {
      const { sut, broker, connected, registerCertificate } = setup();
      await sut.onApplicationBootstrap();
      await expect(sut.authenticate(certificateLogin({ clientId: 'E0001-D01' }))).resolves.toEqual(D01_BY_CERTIFICATE);
      connected.set('E0001-D01', D01_BY_CERTIFICATE);
      connected.set('E0001-D02', { ...D01, deviceId: 'E0001-D02' });

      await registerCertificate('E0001-D01', null);
      expect(connected.has('E0001-D01')).toBe(false);
      await expect(sut.authenticate(certificateLogin({ clientId: 'E0001-D01' }))).resolves.toBeNull();

      await registerCertificate('E0001-D02', FINGERPRINT);
      expect(connected.has('E0001-D02')).toBe(true);
      expect(broker.disconnectDevice).toHaveBeenCalledTimes(2);
      await expect(sut.authenticate(certificateLogin({ clientId: 'E0001-D02' }, 'E0001-D02'))).resolves.toMatchObject({
        deviceId: 'E0001-D02',
        certificateFingerprint: FINGERPRINT,
      });
    });
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
