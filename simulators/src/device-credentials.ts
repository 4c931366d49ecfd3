import { CommandCenterClient } from './command-center-client';

/** Requests in flight at once: enough to provision a few thousand devices in seconds, few enough to leave the command center responsive. */
const ISSUE_CONCURRENCY = 16;

/**
 * Issues every device a new MQTT secret through the command center (POST
 * /api/devices/{id}/credentials, operator token), a bounded number of
 * requests at a time; the first failure stops the rest. Each issue replaces
 * the device's current secret, so this is only for simulated devices.
 */
export async function issueDeviceCredentials(
  api: Pick<CommandCenterClient, 'issueDeviceCredentials'>,
  deviceIds: readonly string[],
  concurrency = ISSUE_CONCURRENCY,
): Promise<Map<string, string>> {
  const secrets = new Map<string, string>();
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < deviceIds.length) {
      const id = deviceIds[next++];
      try {
        secrets.set(id, (await api.issueDeviceCredentials(id)).password);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, deviceIds.length)) }, worker));
  return secrets;
}
