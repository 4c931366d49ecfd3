import { connect, IClientOptions, MqttClient } from 'mqtt';
import { request as httpsRequest } from 'node:https';
import { TestCertificate, TestCertificateAuthority, waitFor } from '@app/testing';
import { AllInOneHarness, TOKEN } from '@app/testing/all-in-one.harness';
import { AllInOneModule } from '@app/all-in-one';

interface Device {
  id: string;
  enterpriseId: string;
  type: string;
}

/**
 * Security on the wire at the edge: devices log in to the embedded broker by a client certificate of the zone CA
 * (CN = device id, fingerprint registered) over TLS alone, and the command center answers over HTTPS.
 */
describe('device certificates on the embedded broker over TLS, and the command center over HTTPS', () => {
  const zoneCa = new TestCertificateAuthority('Zone test CA');
  const otherCa = new TestCertificateAuthority('Other CA');
  const server = zoneCa.server();
  const sut = new AllInOneHarness(
    AllInOneModule,
    {
      MQTT_DEVICE_AUTH: 'required',
      MQTT_TLS_CERT: server.certFile,
      MQTT_TLS_KEY: server.keyFile,
      MQTT_TLS_PORT: '0',
      MQTT_TLS_CA: zoneCa.certFile,
      MQTT_TLS_CLIENT_AUTH: 'required',
      MQTT_PLAIN: 'off',
      HTTP_TLS_CERT: server.certFile,
      HTTP_TLS_KEY: server.keyFile,
      AUTH_MAX_FAILURES: '3',
    },
    zoneCa.cert,
  );
  const clients: MqttClient[] = [];
  let device: Device;
  let neighbour: Device;
  let deviceCertificate: TestCertificate;

  /** Resolves on CONNACK 0; a failed handshake (closed without an error event) or a refusal rejects. */
  const connectOnce = (url: string, options: IClientOptions) =>
    new Promise<MqttClient>((resolve, reject) => {
      const client = connect(url, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 3000, ...options });
      clients.push(client);
      client.once('connect', () => resolve(client));
      client.once('error', reject);
      client.once('close', () => reject(new Error('closed before CONNACK')));
    });
  const connectAs = (clientId: string, certificate: TestCertificate) =>
    connectOnce(`mqtts://127.0.0.1:${sut.mqttPort}`, { clientId, ca: zoneCa.cert, cert: certificate.cert, key: certificate.key });
  const refused = async (reason: string): Promise<number> => {
    const { body } = await sut.api<string>('/metrics', { token: null });
    const line = new RegExp(`^zone_mqtt_refused_total\\{reason="${reason}"\\} (\\d+)$`, 'm').exec(body);
    return line ? Number(line[1]) : 0;
  };
  const telemetry = (d: Device) => `sites/${d.enterpriseId}/devices/${d.id}/telemetry`;
  const register = (deviceId: string, body: object) =>
    sut.api<{ deviceId: string; fingerprint: string; registeredAt: string }>(`/api/devices/${deviceId}/certificate`, {
      method: 'PUT',
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    await sut.start();
    const devicesOf = async (enterpriseId: string) =>
      (await sut.api<{ devices: Device[] }>(`/api/enterprises/${enterpriseId}`)).body.devices;
    for (const enterpriseId of ['E0003', 'E0004', 'E0005', 'E0006']) {
      const own = await devicesOf(enterpriseId);
      device = own.find((d) => d.type === 'smoke_detector')!;
      neighbour = own.find((d) => d !== device)!;
      if (device && neighbour) break;
    }
    expect(device && neighbour).toBeTruthy();
    deviceCertificate = zoneCa.client(device.id);
  });

  afterAll(async () => {
    for (const client of clients) client.end(true);
    await sut.dispose();
    zoneCa.dispose();
    otherCa.dispose();
  });

  it('registers a certificate by its PEM or by its fingerprint as openssl prints it, audited', async () => {
    const byPem = await register(device.id, { certificatePem: deviceCertificate.cert });
    expect(byPem).toEqual({
      status: 200,
      body: { deviceId: device.id, fingerprint: deviceCertificate.fingerprint, registeredAt: expect.any(String) },
    });
    const neighbourCertificate = zoneCa.client(neighbour.id);
    const colons = neighbourCertificate.fingerprint.toUpperCase().match(/../g)!.join(':');
    expect((await register(neighbour.id, { fingerprint: colons })).body.fingerprint).toBe(neighbourCertificate.fingerprint);
    expect((await register(device.id, { fingerprint: 'not-hex' })).status).toBe(400);
    expect((await register(device.id, { certificatePem: '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----' })).status).toBe(
      400,
    );
    expect((await register('E0999-D99', { fingerprint: deviceCertificate.fingerprint })).status).toBe(404);
    const audit = await sut.api<{ items: Array<{ action: string }> }>(`/api/audit?entity=device&entityId=${device.id}`);
    expect(audit.body.items.map((r) => r.action)).toEqual(['device.certificate.register']);
  });

  it('lets a device in by its certificate alone, and its smoke reading becomes an incident', async () => {
    const client = await connectAs(device.id, deviceCertificate);
    await client.publishAsync(telemetry(device), JSON.stringify({ ts: Date.now() - 1000, readings: { smoke: true } }), { qos: 1 });
    const incident = await waitFor(
      async () => (await sut.api(`/api/incidents?enterpriseId=${device.enterpriseId}`)).body[0],
      10_000,
      'an incident',
    );
    expect(incident).toMatchObject({ enterpriseId: device.enterpriseId, status: expect.any(String) });
    client.end(true);
  });

  it.each([
    ['a certificate of another CA', () => otherCa.client(device.id)],
    ['an expired certificate', () => zoneCa.client(device.id, { expired: true })],
  ])('refuses %s in the TLS handshake, and counts it', async (_what, certificate) => {
    const before = await refused('tls-handshake-failed');
    await expect(connectAs(device.id, certificate())).rejects.toThrow();
    await waitFor(async () => (await refused('tls-handshake-failed')) === before + 1, 2000, 'the handshake refusal counted');
  });

  it('refuses, with CONNACK 5 and a counted reason, a certificate for another device and one not registered', async () => {
    const before = { other: await refused('certificate-for-another-device'), unregistered: await refused('unregistered-certificate') };
    await expect(connectAs(neighbour.id, deviceCertificate)).rejects.toMatchObject({ code: 5 });
    await expect(connectAs(device.id, zoneCa.client(device.id))).rejects.toMatchObject({ code: 5 });
    expect(await refused('certificate-for-another-device')).toBe(before.other + 1);
    expect(await refused('unregistered-certificate')).toBe(before.unregistered + 1);
  });

  it('holds a device to its own topics: a publish as its neighbour closes the connection', async () => {
    const client = await connectAs(device.id, deviceCertificate);
    const gone = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish(telemetry(neighbour), JSON.stringify({ ts: Date.now() - 1000, readings: { smoke: true } }), { qos: 1 });
    await gone;
  });

  it('revoking ends the connection at once and refuses the certificate from then on', async () => {
    const client = await connectAs(device.id, deviceCertificate);
    const gone = new Promise<void>((resolve) => client.once('close', () => resolve()));
    const revoked = await sut.api(`/api/devices/${device.id}/certificate`, { method: 'DELETE' });
    expect(revoked).toMatchObject({ status: 200, body: { deviceId: device.id, fingerprint: deviceCertificate.fingerprint } });
    await gone;
    await expect(connectAs(device.id, deviceCertificate)).rejects.toMatchObject({ code: 5 });
    expect((await sut.api(`/api/devices/${device.id}/certificate`, { method: 'DELETE' })).status).toBe(404);
  });

  it('opens no plaintext port: plaintext MQTT to the broker gets no CONNACK', async () => {
    await expect(connectOnce(`mqtt://127.0.0.1:${sut.mqttPort}`, { clientId: device.id, connectTimeout: 2000 })).rejects.toThrow();
  });

  it('answers over HTTPS with a certificate of the test CA, and not over plain HTTP', async () => {
    expect(sut.baseUrl).toMatch(/^https:/);
    expect((await sut.api('/health', { token: null })).status).toBe(200);
    await expect(fetch(sut.baseUrl.replace('https:', 'http:') + '/health')).rejects.toThrow();
  });

  // Last: from here on the test's address is slowed down.
  it('answers 429 with Retry-After once an address gave AUTH_MAX_FAILURES bad tokens, even to a good token', async () => {
    for (const bad of ['bad-1', 'bad-2', 'bad-3']) expect((await sut.api('/api/incidents', { token: bad })).status).toBe(401);
    const slowed = await new Promise<{ status: number; retryAfter: string | undefined; body: string }>((resolve, reject) => {
      const req = httpsRequest(
        `${sut.baseUrl}/api/incidents`,
        { ca: zoneCa.cert, headers: { authorization: `Bearer ${TOKEN}` } },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(slowed.status).toBe(429);
    expect(Number(slowed.retryAfter)).toBeGreaterThan(0);
    expect(Number(slowed.retryAfter)).toBeLessThanOrEqual(60);
    expect(JSON.parse(slowed.body)).toMatchObject({ statusCode: 429, code: 'TOO_MANY_FAILED_LOGINS' });
  });
});
