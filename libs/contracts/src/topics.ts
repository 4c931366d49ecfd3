/** Bus topics. The suffix is the contract version of the messages they carry. */
export const Topics = {
  telemetry: 'telemetry.v1',
  deviceStatus: 'device-status.v1',
  alarms: 'alarms.v1',
  alarmHandling: 'alarm-handling.v1',
  grades: 'grades.v1',
  incidents: 'incidents.v2',
  deadLetters: 'dead-letters.v1',
  zone: 'zone.v1',
  notifications: 'notifications.v1',
  operatingModes: 'operating-modes.v1',
  hazards: 'hazards.v1',
} as const;
export type Topic = (typeof Topics)[keyof typeof Topics];

const MQTT_DEVICE_TOPIC = /^sites\/([^/]+)\/devices\/([^/]+)\/(telemetry|status)$/;

export interface ParsedDeviceTopic {
  enterpriseId: string;
  deviceId: string;
  channel: 'telemetry' | 'status';
}

export function parseDeviceTopic(topic: string): ParsedDeviceTopic | null {
  const m = MQTT_DEVICE_TOPIC.exec(topic);
  if (!m) return null;
  return { enterpriseId: m[1], deviceId: m[2], channel: m[3] as 'telemetry' | 'status' };
}

export function telemetryTopic(enterpriseId: string, deviceId: string): string {
  return `sites/${enterpriseId}/devices/${deviceId}/telemetry`;
}

export function statusTopic(enterpriseId: string, deviceId: string): string {
  return `sites/${enterpriseId}/devices/${deviceId}/status`;
}
