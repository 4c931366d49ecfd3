import { MqttClient } from 'mqtt';
import { SQL_CLIENT, SqlClient } from '@app/storage';
import { SseRecorder, waitFor } from '@app/testing';
import { AllInOneHarness, TOKEN } from '@app/testing/all-in-one.harness';
import { AllInOneModule } from '@app/all-in-one';

const REPORT_INTERVAL_S = 1;

describe('all-in-one: a device that falls silent is an offline finding until it reports again', () => {
  const sut = new AllInOneHarness(AllInOneModule, { OFFLINE_SWEEP_MS: '200' });
  const stream = new SseRecorder();
  let device: MqttClient;

  const enterpriseId = 'E0003';
  let deviceId = '';
  let otherDeviceIds: string[] = [];
  const report = () =>
    device.publishAsync(
      `sites/${enterpriseId}/devices/${deviceId}/telemetry`,
      JSON.stringify({ ts: Date.now(), readings: { smoke: false, temperature: 24 } }),
      { qos: 1 },
    );
  const openOfflineAlarms = async () => {
    const { body } = await sut.api<{ id: string; deviceId: string; ruleId: string }[]>(
      `/api/alarms?status=open&enterpriseId=${enterpriseId}`,
    );
    return body.filter((a) => a.ruleId === 'device.offline');
  };
  const streamed = (type: string) => stream.ofType(type).filter((e) => e.data.deviceId === deviceId && e.data.ruleId === 'device.offline');

  beforeAll(async () => {
    await sut.start();
    await stream.open(`${sut.baseUrl}/api/stream`, { authorization: `Bearer ${TOKEN}` });
    device = await sut.device();
    const { body } = await sut.api(`/api/enterprises/${enterpriseId}`);
    const detectors = body.devices.filter((d: { type: string }) => d.type === 'smoke_detector');
    if (detectors.length === 0) throw new Error(`${enterpriseId} has no smoke detector`);
    deviceId = detectors[0].id;
    otherDeviceIds = body.devices.map((d: { id: string }) => d.id).filter((id: string) => id !== deviceId);
    // Three missed reports of a 30 s detector would make this a two-minute test.
    await sut
      .app!.get<SqlClient>(SQL_CLIENT)
      .query('UPDATE devices SET report_interval_s = $2 WHERE id = $1', [deviceId, REPORT_INTERVAL_S]);
  });

  afterAll(async () => {
    await device?.endAsync();
    await stream.close();
    await sut.dispose();
  });

  it('raises a blue device.offline alarm once the device has missed three reports, shows it as a finding and streams it', async () => {
    await report();
    const seenAt = await waitFor(
      async () => {
        const { body } = await sut.api(`/api/enterprises/${enterpriseId}`);
        const d = body.devices.find((x: { id: string }) => x.id === deviceId);
        return d?.online === true ? Date.parse(d.lastSeenAt) : undefined;
      },
      5000,
      'the device to be seen online',
    );

    const [alarm] = await waitFor(
      async () => {
        const open = await openOfflineAlarms();
        return open.length > 0 ? open : undefined;
      },
      3 * REPORT_INTERVAL_S * 1000 + 5000,
      'an open device.offline alarm',
    );
    expect(Date.now() - seenAt).toBeGreaterThan(3 * REPORT_INTERVAL_S * 1000);
    expect(alarm).toMatchObject({ deviceId, enterpriseId, ruleId: 'device.offline', metric: 'offline', grade: 'blue', status: 'open' });
    expect((alarm as unknown as { message: string }).message).toMatch(
      new RegExp(`^device ${deviceId} silent for \\d+ s \\(reports every 1 s\\)$`),
    );

    const { body: enterprise } = await sut.api(`/api/enterprises/${enterpriseId}`);
    expect(enterprise.why.findings).toEqual([expect.objectContaining({ id: alarm.id, ruleId: 'device.offline', deviceId })]);
    // Seeded without a grade, so this is the enterprise's first grade and its reasons name the finding.
    expect(enterprise.grade).not.toBeNull();
    expect(enterprise.why.reasons).toContain(`device.offline blue on ${deviceId}`);
    expect(enterprise.devices.find((d: { id: string }) => d.id === deviceId)).toMatchObject({ online: false });

    await waitFor(() => streamed('alarm.raised').length > 0, 2000, 'alarm.raised on the live stream');
    expect(streamed('alarm.raised')[0].data).toMatchObject({ alarmId: alarm.id, enterpriseId, grade: 'blue', metric: 'offline' });

    // Later sweeps leave it alone; devices that never reported are not offline, only unheard of.
    await new Promise((r) => setTimeout(r, 1000));
    expect(streamed('alarm.raised')).toHaveLength(1);
    expect(streamed('alarm.updated')).toHaveLength(0);
    expect((await openOfflineAlarms()).map((a) => a.deviceId)).toEqual([deviceId]);
    expect(otherDeviceIds.length).toBeGreaterThan(0);
  });

  it('clears the finding when the device reports again', async () => {
    const [alarm] = await openOfflineAlarms();
    await report();

    await waitFor(async () => (await openOfflineAlarms()).length === 0, 5000, 'the device.offline alarm cleared');
    const { body: cleared } = await sut.api(`/api/alarms?status=cleared&enterpriseId=${enterpriseId}`);
    expect(cleared).toEqual([expect.objectContaining({ id: alarm.id, status: 'cleared' })]);
    const { body: enterprise } = await sut.api(`/api/enterprises/${enterpriseId}`);
    expect(enterprise.why.findings).toEqual([]);
    expect(enterprise.devices.find((d: { id: string }) => d.id === deviceId)).toMatchObject({ online: true });

    await waitFor(() => streamed('alarm.cleared').length > 0, 2000, 'alarm.cleared on the live stream');
    expect(streamed('alarm.cleared')[0].data).toMatchObject({ alarmId: alarm.id, message: `device ${deviceId} is back online` });
  });
});
