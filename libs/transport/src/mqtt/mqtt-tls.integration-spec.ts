import { randomUUID } from 'node:crypto';
import { connectAsync, MqttClient } from 'mqtt';
import type { ClientTlsConfig } from '@app/config';
import { PrivateMosquitto, TlsFixtures, waitFor, type IssuedCertificate } from '@app/testing';
import { MqttBatchSubscriber, MqttBatchSubscriberOptions, MqttMessage } from './mqtt-batch-subscriber';
import { MqttSubscriber } from './mqtt-subscriber';

/** Ingest's two subscribers on a Mosquitto whose TLS listener wants a client certificate, all certificates made for this run. */
describe('MQTT over TLS to an external broker', () => {
  const fixtures = new TlsFixtures();
  const server = fixtures.issue({ name: 'mosquitto', commonName: 'mosquitto', hosts: ['127.0.0.1', 'localhost'] });
  const ingestCertificate = fixtures.issue({ name: 'ingest', commonName: 'zone-ingest' });
  const broker = new PrivateMosquitto({
    tls: { certPath: server.certPath, keyPath: server.keyPath, caPath: fixtures.ca.certPath, requireClientCertificate: true },
  });
  const tls = (ca: IssuedCertificate): ClientTlsConfig => ({
    ca: ca.cert,
    clientCertificate: { cert: ingestCertificate.cert, key: ingestCertificate.key },
  });
  const stops: Array<() => Promise<unknown>> = [];
  let device: MqttClient;

  beforeAll(async () => {
    await broker.start();
    device = await connectAsync(broker.tlsUrl, {
      protocolVersion: 5,
      ca: fixtures.ca.cert,
      cert: ingestCertificate.cert,
      key: ingestCertificate.key,
      rejectUnauthorized: true,
    });
  });

  afterEach(async () => {
    await Promise.all(stops.splice(0).map((stop) => stop()));
  });

  afterAll(async () => {
    await device.endAsync(true);
    await broker.dispose();
    fixtures.dispose();
  });

  function batchOptions(overrides: Partial<MqttBatchSubscriberOptions> = {}): MqttBatchSubscriberOptions {
    const run = randomUUID().slice(0, 8);
    return {
      url: broker.tlsUrl,
      clientId: `tls-batch-${run}`,
      topics: [`$share/g-${run}/zone-test/${run}/#`],
      persistentSession: false,
      receiveMaximum: 100,
      tls: tls(fixtures.ca),
      ...overrides,
    };
  }

  it('takes readings over mqtts with the batch subscriber, the broker verified by its CA', async () => {
    const o = batchOptions();
    const received: MqttMessage[] = [];
    const sut = new MqttBatchSubscriber();
    await sut.start(o, async (messages) => void received.push(...messages));
    stops.push(() => sut.stop(200));
    const topic = `${o.topics[0].split('/').slice(2, 4).join('/')}/telemetry`;
    await device.publishAsync(topic, '{"seq":1}', { qos: 1 });
    await waitFor(() => received.length === 1, 5000, 'the reading over TLS');
    expect(received[0]).toEqual({ topic, payload: Buffer.from('{"seq":1}') });
  });

  it('takes readings over mqtts with the mqtt.js subscriber', async () => {
    const run = randomUUID().slice(0, 8);
    const received: string[] = [];
    const sut = new MqttSubscriber();
    await sut.start(
      { url: broker.tlsUrl, clientId: `tls-sub-${run}`, topics: [`zone-test/${run}/#`], protocolVersion: 5, tls: tls(fixtures.ca) },
      async (_topic, payload) => void received.push(payload.toString()),
    );
    stops.push(() => sut.stop(200));
    await device.publishAsync(`zone-test/${run}/telemetry`, '{"seq":2}', { qos: 1 });
    await waitFor(() => received.length === 1, 5000, 'the reading over TLS');
    expect(received).toEqual(['{"seq":2}']);
  });

  it('refuses a broker whose certificate another CA signed', async () => {
    const other = fixtures.otherAuthority();
    await expect(new MqttBatchSubscriber().start(batchOptions({ tls: tls(other) }), async () => undefined)).rejects.toThrow(
      /self-signed certificate in certificate chain/,
    );
    await expect(
      new MqttSubscriber().start(
        {
          url: broker.tlsUrl,
          clientId: `tls-sub-${randomUUID().slice(0, 8)}`,
          topics: ['zone-test/#'],
          protocolVersion: 5,
          tls: tls(other),
        },
        async () => undefined,
      ),
    ).rejects.toThrow(/self-signed certificate in certificate chain/);
  });

  it('is refused by a broker that wants a client certificate when it has none', async () => {
    await expect(
      new MqttBatchSubscriber().start(batchOptions({ tls: { ca: fixtures.ca.cert, clientCertificate: undefined } }), async () => undefined),
    ).rejects.toThrow();
  });
});
