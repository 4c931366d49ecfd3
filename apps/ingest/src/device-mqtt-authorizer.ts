import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { CLOCK, InjectConfig, MqttConfig } from '@app/config';
import { Clock } from '@app/domain';
import { DeviceCertificatesRepository, DeviceCredentialsRepository } from '@app/storage';
import { EmbeddedMqttBroker, MqttClientCertificate, MqttDevice, MqttDeviceAuthorizer, MqttLogin, ZoneChanges } from '@app/transport';
import { KnownDevice } from './telemetry-validator';
import { DeviceRegistry } from './device-registry';
import { IngestMetrics } from './ingest.metrics';

export type MqttRefusalReason =
  | 'no-credentials'
  | 'unknown-device'
  | 'retired-device'
  | 'bad-credentials'
  | 'certificate-for-another-device'
  | 'unregistered-certificate'
  | 'tls-handshake-failed'
  | 'topic-not-allowed'
  | 'subscribe-not-allowed';

/** How long a secret read from the database is trusted; bounds how long a replaced secret still opens a connection in another process. */
export const SECRET_CACHE_MS = 30_000;
/** A secret that does not match is read again at most this often per device (it may just have been issued elsewhere). */
export const SECRET_RECHECK_MS = 1_000;
const LOG_EVERY_MS = 10_000;

interface CachedSecret {
  /** SHA-256 of the device's secret; null when none was issued. */
  hash: Buffer | null;
  loadedAt: number;
}

interface CachedFingerprint {
  /** The registered certificate's fingerprint; null when none is. */
  fingerprint: string | null;
  loadedAt: number;
}

/**
 * Devices on the embedded broker (MQTT_DEVICE_AUTH=required): username =
 * device id, password = the secret issued by POST /api/devices/{id}/credentials;
 * a device publishes only under sites/{its enterprise}/devices/{its id}/. A
 * CONNECT costs a hash and, now and then, a database read; a publish costs a
 * prefix comparison. Secrets never reach a log line or an error message.
 *
 * Over TLS with a client certificate (MQTT_TLS_CLIENT_AUTH), a device logs in without a password: the CA
 * vouched for the certificate, whose CN must be the device id the client claims (username, else client id),
 * and its fingerprint must be the one registered by PUT /api/devices/{id}/certificate. A change to that
 * registration, in any process, reaches every ingest on zone.v1 and ends the device's certificate connection.
 */
@Injectable()
export class DeviceMqttAuthorizer implements MqttDeviceAuthorizer, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('MqttDeviceAuth');
  private readonly secrets = new Map<string, CachedSecret>();
  private readonly fingerprints = new Map<string, CachedFingerprint>();
  private readonly lastLogged = new Map<MqttRefusalReason, { at: number; suppressed: number }>();
  private unsubscribe: (() => void)[] = [];

  constructor(
    @InjectConfig('mqtt') private readonly config: MqttConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly registry: DeviceRegistry,
    private readonly credentials: DeviceCredentialsRepository,
    private readonly metrics: IngestMetrics,
    private readonly certificates: DeviceCertificatesRepository,
    private readonly zoneChanges: ZoneChanges,
    @Optional() private readonly broker?: EmbeddedMqttBroker,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.url !== undefined || this.config.deviceAuth !== 'required' || !this.broker) return;
    // An issue made in this process takes effect at once: the old secret is forgotten and its connection ended.
    this.unsubscribe.push(
      this.credentials.onIssued((deviceId) => {
        this.secrets.delete(deviceId);
        this.broker?.disconnectDevice(deviceId);
      }),
      // Retiring a device ends its access: refused at its next CONNECT, and the connection it holds now is closed.
      this.registry.onRetired((deviceId) => {
        if (this.broker?.disconnectDevice(deviceId)) this.logger.log(`device ${deviceId} retired: its connection is closed`);
      }),
    );
    this.unsubscribe.push(
      this.broker.onTlsRefused((reason, remoteAddress) => this.refuse('tls-handshake-failed', `${remoteAddress ?? 'a client'}: ${reason}`)),
    );
    this.broker.authorizeWith(this);
    // A certificate registered or revoked in any process: forgotten here, and the connection made by it ended.
    await this.zoneChanges.subscribe('ingest-certificates', ['deviceCertificates'], ({ deviceCertificates = [] }) => {
      for (const deviceId of deviceCertificates) {
        this.fingerprints.delete(deviceId);
        if (this.broker?.disconnectDevice(deviceId, (device) => device.certificateFingerprint !== undefined))
          this.logger.log(`device ${deviceId}: its certificate registration changed, its connection is closed`);
      }
      return Promise.resolve();
    });
  }

  onModuleDestroy(): void {
    for (const unsubscribe of this.unsubscribe) unsubscribe();
  }

  async authenticate({ clientId, username, password, certificate }: MqttLogin): Promise<MqttDevice | null> {
    if (certificate && (!password || password.length === 0)) return this.authenticateByCertificate(username ?? clientId, certificate);
    if (!username || !password || password.length === 0)
      return this.refuse('no-credentials', `client ${clip(clientId)} gave no username or no password`);
    const device = await this.registry.findOrReload(username, this.clock);
    // The username is not echoed: what is not a device id may be a secret typed into the wrong field.
    if (!device) return this.refuse('unknown-device', `a username of ${username.length} characters is not a registered device`);
    // Refused like an unknown one, before its secret is checked: retiring a device is how its access ends.
    if (device.status === 'retired') return this.refuse('retired-device', `device ${device.id} is retired, or its enterprise is`);
    if (!(await this.verify(device.id, password)))
      return this.refuse('bad-credentials', `device ${device.id}: wrong secret, or none issued`);
    return mqttDevice(device);
  }

  private async authenticateByCertificate(claimed: string, certificate: MqttClientCertificate): Promise<MqttDevice | null> {
    const { commonName, fingerprint } = certificate;
    if (claimed !== commonName)
      return this.refuse('certificate-for-another-device', `client ${clip(claimed)} showed a certificate for ${clip(commonName)}`);
    const device = await this.registry.findOrReload(commonName, this.clock);
    if (!device) return this.refuse('unknown-device', `certificate for ${clip(commonName)}, not a registered device`);
    if (device.status === 'retired') return this.refuse('retired-device', `device ${device.id} is retired, or its enterprise is`);
    if (!(await this.isRegistered(device.id, fingerprint)))
      return this.refuse(
        'unregistered-certificate',
        `device ${device.id}: certificate ${fingerprint} is not the one registered, or none is`,
      );
    return { ...mqttDevice(device), certificateFingerprint: fingerprint };
  }

  authorizePublish(device: MqttDevice, topic: string): boolean {
    if (topic.startsWith(device.topicPrefix)) return true;
    this.refuse('topic-not-allowed', `device ${device.deviceId} may not publish on ${clip(topic)}`);
    return false;
  }

  authorizeSubscribe(device: MqttDevice, topicFilter: string): boolean {
    if (topicFilter.startsWith(device.topicPrefix)) return true;
    this.refuse('subscribe-not-allowed', `device ${device.deviceId} may not subscribe to ${clip(topicFilter)}`);
    return false;
  }

  private async verify(deviceId: string, password: Buffer): Promise<boolean> {
    const candidate = createHash('sha256').update(password).digest();
    const now = this.clock.now();
    const cached = this.secrets.get(deviceId);
    const age = cached ? now - cached.loadedAt : Infinity;
    if (cached && age < SECRET_CACHE_MS && matches(cached.hash, candidate)) return true;
    if (cached && age < SECRET_RECHECK_MS) return false;
    const row = await this.credentials.find(deviceId);
    const fresh: CachedSecret = { hash: row ? Buffer.from(row.secretHash, 'hex') : null, loadedAt: now };
    this.secrets.set(deviceId, fresh);
    return matches(fresh.hash, candidate);
  }

  private async isRegistered(deviceId: string, fingerprint: string): Promise<boolean> {
    const now = this.clock.now();
    const cached = this.fingerprints.get(deviceId);
    const age = cached ? now - cached.loadedAt : Infinity;
    if (cached && age < SECRET_CACHE_MS && cached.fingerprint === fingerprint) return true;
    if (cached && age < SECRET_RECHECK_MS) return false;
    const row = await this.certificates.find(deviceId);
    this.fingerprints.set(deviceId, { fingerprint: row?.fingerprint ?? null, loadedAt: now });
    return row?.fingerprint === fingerprint;
  }

  /** Counts every refusal; logs at most one line per reason every 10 s, so a misconfigured fleet cannot flood the log. */
  private refuse(reason: MqttRefusalReason, detail: string): null {
    this.metrics.refused.inc({ reason });
    const now = this.clock.now();
    const last = this.lastLogged.get(reason);
    if (last && now - last.at < LOG_EVERY_MS) {
      last.suppressed++;
      return null;
    }
    const more = last?.suppressed ? ` (and ${last.suppressed} more since the last report)` : '';
    this.lastLogged.set(reason, { at: now, suppressed: 0 });
    this.logger.warn(`refused (${reason}): ${detail}${more}`);
    return null;
  }
}

function mqttDevice(device: KnownDevice): MqttDevice {
  return { deviceId: device.id, enterpriseId: device.enterpriseId, topicPrefix: `sites/${device.enterpriseId}/devices/${device.id}/` };
}

/** Constant-time: how much of a hash matches does not show in the time taken. */
function matches(stored: Buffer | null, candidate: Buffer): boolean {
  return stored !== null && stored.length === candidate.length && timingSafeEqual(stored, candidate);
}

function clip(s: string): string {
  return JSON.stringify(s.length > 200 ? `${s.slice(0, 200)}…` : s);
}
