/** Who a connection logged in as; the broker keeps it on the connection for the connection's life. */
export interface MqttDevice {
  readonly deviceId: string;
  readonly enterpriseId: string;
  /** `sites/{enterpriseId}/devices/{deviceId}/`: every topic the device may use starts with it. */
  readonly topicPrefix: string;
}

export interface MqttLogin {
  clientId: string;
  username: string | undefined;
  password: Buffer | undefined;
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
