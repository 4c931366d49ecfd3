import { connect, IClientOptions, MqttClient } from 'mqtt';
import { connect as connectTcp } from 'node:net';
import { TestCertificateAuthority, TestCertificate, waitFor } from '@app/testing';
import { EmbeddedMqttBroker } from './embedded-mqtt-broker';
import { MqttDeviceAuthorizer, MqttLogin } from './mqtt-device-authorizer';

/** The TLS listener: the handshake checks the CA and the dates, the authorizer gets the verified CN and fingerprint. */
describe('EmbeddedMqttBroker over TLS', () => {
  const zoneCa = new TestCertificateAuthority('Zone test CA');
  const otherCa = new TestCertificateAuthority('Other CA');
  const server = zoneCa.server();
  const logins: MqttLogin[] = [];
  const authorizer: MqttDeviceAuthorizer = {
    authenticate: async (login) => {
      logins.push(login);
      const name = login.certificate?.commonName;
      return name
        ? {
            deviceId: name,
            enterpriseId: 'E1',
            topicPrefix: `sites/E1/devices/${name}/`,
            certificateFingerprint: login.certificate?.fingerprint,
          }
        : null;
    },
    authorizePublish: (device, topic) => topic.startsWith(device.topicPrefix),
    authorizeSubscribe: () => false,
  };
  const brokers: EmbeddedMqttBroker[] = [];
  const clients: MqttClient[] = [];

  const start = async (clientAuth: 'required' | 'optional', plain = false) => {
    const broker = new EmbeddedMqttBroker();
    brokers.push(broker);
    await broker.start({
      host: '127.0.0.1',
      port: 0,
      deviceAuth: 'required',
      plain,
      tls: { cert: Buffer.from(server.cert), key: Buffer.from(server.key), port: 0, ca: Buffer.from(zoneCa.cert), clientAuth },
    });
    broker.authorizeWith(authorizer);
    const published: string[] = [];
    broker.intercept(async (topic) => {
      published.push(topic);
    });
    return { broker, published };
  };
  /** A connection that ends before its CONNACK (a failed handshake closes it without an error event) is a rejection too. */
  const connectOnce = (url: string, options: IClientOptions) =>
    new Promise<MqttClient>((resolve, reject) => {
      const client = connect(url, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 3000, ...options });
      clients.push(client);
      client.once('connect', () => resolve(client));
      client.once('error', reject);
      client.once('close', () => reject(new Error('closed before CONNACK')));
    });
  const connectTls = (port: number, device: TestCertificate | undefined, options: { clientId?: string } = {}) =>
    connectOnce(`mqtts://127.0.0.1:${port}`, { ca: zoneCa.cert, ...(device ? { cert: device.cert, key: device.key } : {}), ...options });

  afterAll(async () => {
    for (const client of clients) client.end(true);
    await Promise.all(brokers.map((b) => b.stop()));
    zoneCa.dispose();
    otherCa.dispose();
  });

  it('lets a device in by a certificate of the zone CA, giving the authorizer its CN and SHA-256 fingerprint, and takes its publish', async () => {
    const { broker, published } = await start('required');
    const device = zoneCa.client('D1');
    const client = await connectTls(broker.tlsPort!, device, { clientId: 'D1' });
    expect(logins.at(-1)).toMatchObject({
      clientId: 'D1',
      password: undefined,
      certificate: { commonName: 'D1', fingerprint: device.fingerprint },
    });
    await client.publishAsync('sites/E1/devices/D1/telemetry', '{}', { qos: 1 });
    expect(published).toEqual(['sites/E1/devices/D1/telemetry']);
  });

  it.each([
    ['a certificate of another CA', () => otherCa.client('D1')],
    ['an expired certificate', () => zoneCa.client('D1', { expired: true })],
    ['no certificate', () => undefined],
  ])('refuses %s in the TLS handshake with client certificates required, before any MQTT', async (_what, certificate) => {
    const { broker } = await start('required');
    const refusals: string[] = [];
    broker.onTlsRefused((reason) => refusals.push(reason));
    const before = logins.length;
    await expect(connectTls(broker.tlsPort!, certificate(), { clientId: 'D1' })).rejects.toThrow();
    expect(broker.connectedClients).toBe(0);
    expect(logins.length).toBe(before);
    // OpenSSL's reason when it has one ("peer did not return a certificate"); a client that drops a refused handshake shows as a hang-up.
    await waitFor(() => refusals.length === 1, 2000, 'the failed handshake reported');
  });

  it('with client certificates optional, offers the authorizer no certificate that failed to verify', async () => {
    const { broker } = await start('optional');
    await expect(connectTls(broker.tlsPort!, otherCa.client('D1'), { clientId: 'D1' })).rejects.toMatchObject({ code: 5 });
    expect(logins.at(-1)).toMatchObject({ clientId: 'D1', certificate: undefined });
    await expect(connectTls(broker.tlsPort!, zoneCa.client('D2'), { clientId: 'D2' })).resolves.toBeDefined();
    expect(logins.at(-1)?.certificate?.commonName).toBe('D2');
  });

  it('with plaintext closed listens on TLS alone: plaintext MQTT to the TLS port gets no CONNACK', async () => {
    const { broker } = await start('required');
    expect(broker.port).toBe(broker.tlsPort);
    await expect(connectOnce(`mqtt://127.0.0.1:${broker.tlsPort}`, { clientId: 'D1', connectTimeout: 2000 })).rejects.toThrow();
  });

  it('with plaintext on, opens both listeners', async () => {
    const { broker } = await start('required', true);
    expect(broker.port).not.toBe(broker.tlsPort);
    const socket = connectTcp(broker.port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    socket.destroy();
    expect(broker.running).toBe(true);
  });

  it('closes a connection made by certificate when asked for connections made by certificate', async () => {
    const { broker } = await start('required');
    const client = await connectTls(broker.tlsPort!, zoneCa.client('D3'), { clientId: 'D3' });
    const gone = new Promise<void>((resolve) => client.once('close', () => resolve()));
    expect(broker.disconnectDevice('D3', (device) => device.certificateFingerprint === undefined)).toBe(false);
    expect(broker.disconnectDevice('D3', (device) => device.certificateFingerprint !== undefined)).toBe(true);
    await gone;
  });
});
