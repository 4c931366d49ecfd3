import { issueDeviceCredentials } from './device-credentials';

describe('issueDeviceCredentials', () => {
  const ids = Array.from({ length: 50 }, (_, i) => `E0001-D${String(i).padStart(2, '0')}`);

  it('issues one secret per device, never more than `concurrency` requests at a time', async () => {
    let inFlight = 0;
    let most = 0;
    const api = {
      issueDeviceCredentials: jest.fn(async (deviceId: string) => {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 1));
        inFlight--;
        return { deviceId, username: deviceId, password: `secret-of-${deviceId}` };
      }),
    };
    const secrets = await issueDeviceCredentials(api, ids, 4);
    expect(Object.fromEntries(secrets)).toEqual(Object.fromEntries(ids.map((id) => [id, `secret-of-${id}`])));
    expect(api.issueDeviceCredentials).toHaveBeenCalledTimes(50);
    expect(most).toBe(4);
  });

  it('stops issuing at the first refusal and says why', async () => {
    const api = {
      issueDeviceCredentials: jest.fn(async (deviceId: string) => {
        if (deviceId === 'E0001-D05') throw new Error('POST /api/devices/E0001-D05/credentials: HTTP 403');
        await new Promise((r) => setTimeout(r, 1));
        return { deviceId, username: deviceId, password: 'x' };
      }),
    };
    await expect(issueDeviceCredentials(api, ids, 2)).rejects.toThrow('HTTP 403');
    await new Promise((r) => setTimeout(r, 20));
    expect(api.issueDeviceCredentials.mock.calls.length).toBeLessThan(10);
  });
});
