import type { ClientTlsConfig, KafkaSaslConfig } from '@app/config';
import type { KafkaConfig as KafkaClientConfig } from 'kafkajs';

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
    ...(sasl && { sasl: { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password } }),
  };
}
