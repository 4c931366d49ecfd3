/** Who a connection logged in as; the broker keeps it on the connection for the connection's life. */
export interface MqttDevice {
  readonly deviceId: string;
  readonly enterpriseId: string;
  /** `sites/{enterpriseId}/devices/{deviceId}/`: every topic the device may use starts with it. */
  readonly topicPrefix: string;
  /** Set when it logged in by a client certificate: that certificate's SHA-256 fingerprint (lower-case hex). */
  readonly certificateFingerprint?: string;
}

/** A client certificate that verified against the broker's CA (MQTT_TLS_CA). */
export interface MqttClientCertificate {
  /** The subject CN: the device id it was made for. */
  commonName: string;
  /** SHA-256 of the DER certificate, lower-case hex without colons. */
  fingerprint: string;
}

export interface MqttLogin {
  clientId: string;
  username: string | undefined;
  password: Buffer | undefined;
  /** Present only on a TLS connection whose client certificate verified against the CA. */
  certificate?: MqttClientCertificate;
}

/**
 * Decides who may connect to the embedded broker and what they may publish
 * (MQTT_DEVICE_AUTH=required). The broker holds no credentials and no
 * database: it asks once at CONNECT, keeps the answer on the connection and
 * asks again at every publish, so `authorizePublish` must be a cheap,
 * synchronous check. The authorizer counts and logs what it refuses.
 */
export interface MqttDeviceAuthorizer {
  /** The device a CONNECT logs in as, or null to refuse the connection. */
  authenticate(login: MqttLogin): Promise<MqttDevice | null>;
  /** Every publish of a logged-in connection, its last will included. */
  authorizePublish(device: MqttDevice, topic: string): boolean;
  authorizeSubscribe(device: MqttDevice, topicFilter: string): boolean;
}

export type MqttDeviceAuthMode = 'required' | 'off';
