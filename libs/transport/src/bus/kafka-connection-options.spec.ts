import { kafkaConnectionOptions } from './kafka-connection-options';

describe('kafkaConnectionOptions', () => {
  it('is plaintext without a login when nothing is set', () => {
    expect(kafkaConnectionOptions({})).toEqual({});
  });

  it('verifies the brokers against KAFKA_CA and logs in with SCRAM', () => {
    expect(
      kafkaConnectionOptions({
        ssl: { ca: 'CA PEM', clientCertificate: undefined },
        sasl: { mechanism: 'scram-sha-256', username: 'zone', password: 'pw' },
      }),
    ).toEqual({
      ssl: { ca: ['CA PEM'], cert: undefined, key: undefined, rejectUnauthorized: true },
      sasl: { mechanism: 'scram-sha-256', username: 'zone', password: 'pw' },
    });
  });

  it('verifies the brokers against the system CAs when KAFKA_CA is not set', () => {
    expect(kafkaConnectionOptions({ ssl: { ca: undefined, clientCertificate: undefined } }).ssl).toEqual({
      ca: undefined,
      cert: undefined,
      key: undefined,
      rejectUnauthorized: true,
    });
  });
});
