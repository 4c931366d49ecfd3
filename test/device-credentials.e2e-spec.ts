import { connectAsync, MqttClient } from 'mqtt';
import { waitFor } from '@app/testing';
import { parseScenario } from '../simulators/src/scenario-file';
import { runScenario } from '../simulators/src/scenario-runner';
import { AllInOneHarness, TOKEN } from '@app/testing/all-in-one.harness';
import { AllInOneModule } from '@app/all-in-one';

interface Device {
  id: string;
  enterpriseId: string;
  type: string;
}
interface Credentials {
  deviceId: string;
  username: string;
  password: string;
}

/** MQTT_DEVICE_AUTH=required: a device gets its secret over HTTP, logs in with it and publishes only as itself. */
describe('device credentials on the embedded broker', () => {
  const sut = new AllInOneHarness(AllInOneModule, { MQTT_DEVICE_AUTH: 'required' });
  const clients: MqttClient[] = [];
  let device: Device;
  let neighbour: Device;
  let foreign: Device;
  let credentials: Credentials;

  const connect = async (username?: string, password?: string): Promise<MqttClient> => {
    const client = await connectAsync(`mqtt://127.0.0.1:${sut.mqttPort}`, { protocolVersion: 4, reconnectPeriod: 0, username, password });
    clients.push(client);
    return client;
  };
  const issue = async (deviceId: string): Promise<Credentials> => {
    const res = await sut.api<Credentials>(`/api/devices/${deviceId}/credentials`, { method: 'POST' });
    expect(res.status).toBe(201);
    return res.body;
  };
  const refused = async (reason: string): Promise<number> => {
    const { body } = await sut.api<string>('/metrics', { token: null });
    const line = new RegExp(`^zone_mqtt_refused_total\\{reason="${reason}"\\} (\\d+)$`, 'm').exec(body);
    return line ? Number(line[1]) : 0;
  };
  const closed = (client: MqttClient) =>
    new Promise<void>((resolve) => (client.connected ? client.once('close', () => resolve()) : resolve()));
  // Up to 10 minutes ahead: a scenario run faster than real time stamps its readings ahead of the clock.
  const readingsOf = async (deviceId: string) => {
    const window = `from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${new Date(Date.now() + 600_000).toISOString()}`;
    return (await sut.api<{ points: Array<{ metric: string; avg: number }> }>(`/api/devices/${deviceId}/readings?${window}`)).body.points;
  };
  const telemetry = (d: Device) => `sites/${d.enterpriseId}/devices/${d.id}/telemetry`;
  const reading = (temperature: number) => JSON.stringify({ ts: Date.now() - 1000, readings: { temperature } });

  beforeAll(async () => {
    await sut.start();
    const devicesOf = async (enterpriseId: string) =>
      (await sut.api<{ devices: Device[] }>(`/api/enterprises/${enterpriseId}`)).body.devices;
    const own = (await devicesOf('E0003')).filter((d) => d.type === 'smoke_detector' || d.type === 'heat_detector');
    [device, neighbour] = own;
    foreign = (await devicesOf('E0004')).find((d) => d.type === 'smoke_detector' || d.type === 'heat_detector')!;
    expect([device, neighbour, foreign].every(Boolean)).toBe(true);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
    await sut.dispose();
  });

  it('issues a secret once over HTTP; the device logs in with it and its reading is stored', async () => {
    credentials = await issue(device.id);
    expect(credentials).toEqual({ deviceId: device.id, username: device.id, password: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/) });

    const client = await connect(credentials.username, credentials.password);
    await client.publishAsync(telemetry(device), reading(21.5), { qos: 1 });
    const points = await waitFor(
      async () => {
        const p = await readingsOf(device.id);
        return p.length > 0 ? p : undefined;
      },
      5000,
      'the reading stored',
    );
    expect(points).toEqual([expect.objectContaining({ metric: 'temperature', avg: 21.5 })]);
  });

  it('refuses a wrong password, a device without a secret and a connection without credentials (CONNACK 5), and counts them', async () => {
    const before = {
      bad: await refused('bad-credentials'),
      none: await refused('no-credentials'),
      unknown: await refused('unknown-device'),
    };
    await expect(connect(device.id, `${credentials.password}x`)).rejects.toMatchObject({ code: 5 });
    await expect(connect(neighbour.id, credentials.password)).rejects.toMatchObject({ code: 5 });
    await expect(connect()).rejects.toMatchObject({ code: 5 });
    await expect(connect('E0999-D99', credentials.password)).rejects.toMatchObject({ code: 5 });
    expect(await refused('bad-credentials')).toBe(before.bad + 2);
    expect(await refused('no-credentials')).toBe(before.none + 1);
    expect(await refused('unknown-device')).toBe(before.unknown + 1);
  });

  it.each([
    ['another device of its enterprise', () => telemetry(neighbour)],
    ['a device of another enterprise', () => telemetry(foreign)],
    ['its own id under another enterprise', () => `sites/${foreign.enterpriseId}/devices/${device.id}/telemetry`],
  ])('refuses a publish as %s: the connection is closed, nothing is stored, the refusal is counted', async (_what, topic) => {
    const before = await refused('topic-not-allowed');
    const client = await connect(credentials.username, credentials.password);
    const gone = closed(client);
    client.publish(topic(), reading(99), { qos: 1 });
    await gone;
    expect(await refused('topic-not-allowed')).toBe(before + 1);
    const stats = await sut.api<{ byReason: Record<string, number | string> }>('/api/dead-letters/stats');
    expect(stats.body.byReason['enterprise-mismatch'] ?? 0).toBe(0);
    expect(await readingsOf(neighbour.id)).toEqual([]);
    expect(await readingsOf(foreign.id)).toEqual([]);
  });

  it('issuing again ends the connection on the old secret and refuses that secret; the new one works', async () => {
    const old = await connect(credentials.username, credentials.password);
    const gone = closed(old);
    const renewed = await issue(device.id);
    expect(renewed.password).not.toBe(credentials.password);
    await gone;
    await expect(connect(device.id, credentials.password)).rejects.toMatchObject({ code: 5 });
    const client = await connect(renewed.username, renewed.password);
    await client.publishAsync(telemetry(device), reading(22.5), { qos: 1 });
    await waitFor(async () => (await readingsOf(device.id)).some((p) => p.avg === 22.5), 5000, 'the second reading stored');
  });

  describe('the simulator', () => {
    const scenario = parseScenario(
      JSON.stringify({ name: 'short', description: 'two enterprises for a few seconds', durationS: 30, enterprises: { a: { count: 2 } } }),
      'short.json',
    );
    const run = (issueCredentials?: { apiUrl: string; token: string }) =>
      runScenario({
        scenario,
        url: `mqtt://127.0.0.1:${sut.mqttPort}`,
        speed: 10,
        zoneSize: 20,
        seed: 1,
        avoidEnterprises: new Set(['E0003', 'E0004']),
        issueCredentials,
      });

    it('is turned away without credentials', async () => {
      await expect(run()).rejects.toThrow(/Not authorized/i);
    });

    it('issues its devices credentials through the API and every device publishes as itself', async () => {
      const result = await run({ apiUrl: sut.baseUrl, token: TOKEN });
      expect(result.stats).toMatchObject({ errors: 0, lastError: null });
      expect(result.stats.sent).toBeGreaterThan(result.cast.devices.length);
      const reporting = result.cast.devices.find((d) => d.type === 'smoke_detector' || d.type === 'heat_detector')!;
      await waitFor(async () => (await readingsOf(reporting.id)).length > 0, 5000, `readings of ${reporting.id}`);
    });
  });
});
