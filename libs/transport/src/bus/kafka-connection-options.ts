import type { ClientTlsConfig, KafkaSaslConfig } from '@app/config';
import type { KafkaConfig as KafkaClientConfig, SASLOptions } from 'kafkajs';

/** How every Kafka client of a process reaches the brokers: TLS (the brokers' certificates verified) and the SASL login. */
export interface KafkaConnectionSecurity {
  ssl?: ClientTlsConfig;
  sasl?: KafkaSaslConfig;
}

/** The kafkajs `ssl` and `sasl` options for KAFKA_SSL, KAFKA_CA and KAFKA_SASL_*; none of them, plaintext without a login. */
export function kafkaConnectionOptions({ ssl, sasl }: KafkaConnectionSecurity): Pick<KafkaClientConfig, 'ssl' | 'sasl'> {
  return {
    ...(ssl && {
      ssl: {
        ca: ssl.ca === undefined ? undefined : [ssl.ca],
        cert: ssl.clientCertificate?.cert,
        key: ssl.clientCertificate?.key,
        rejectUnauthorized: true,
      },
    }),
    ...(sasl && { sasl: saslOptions(sasl) }),
  };
}

// One case per mechanism: kafkajs types each mechanism's options on their own.
function saslOptions({ mechanism, username, password }: KafkaSaslConfig): SASLOptions {
  switch (mechanism) {
    case 'plain':
      return { mechanism, username, password };
    case 'scram-sha-256':
      return { mechanism, username, password };
    case 'scram-sha-512':
      return { mechanism, username, password };
  }
}
