import { MqttClient } from 'mqtt';
import { waitFor } from '@app/testing';
import { AllInOneHarness } from './support/all-in-one.harness';

describe('rule state survives a restart of the process', () => {
  const sut = new AllInOneHarness();
  let device: MqttClient;

  beforeAll(async () => {
    await sut.start();
    device = await sut.device();
  });

  afterAll(async () => {
    await device?.endAsync();
    await sut.dispose();
  });

  const publish = (enterpriseId: string, deviceId: string, payload: unknown) =>
    device.publishAsync(`sites/${enterpriseId}/devices/${deviceId}/telemetry`, JSON.stringify(payload), { qos: 1 });

  it('fires a duration rule ("above 300 mA for 10 s") on time although the process restarted in the middle of it', async () => {
    const { body: enterprises } = await sut.api('/api/enterprises?limit=20');
    let found: { enterpriseId: string; deviceId: string } | undefined;
    for (const e of enterprises.items) {
      const { body } = await sut.api(`/api/enterprises/${e.id}`);
      const monitor = body.devices.find((d: { type: string }) => d.type === 'electrical_fire_monitor');
      if (monitor) {
        found = { enterpriseId: e.id, deviceId: monitor.id };
        break;
      }
    }
    if (!found) throw new Error('no electrical fire monitor in the test zone');
    const { enterpriseId, deviceId } = found;
    const t = Date.now();
    await publish(enterpriseId, deviceId, { ts: t - 20_000, readings: { residual_current: 350, cable_temperature: 31 } });
    await publish(enterpriseId, deviceId, { ts: t - 16_000, readings: { residual_current: 360, cable_temperature: 31 } });
    await waitFor(async () => {
      const { body } = await sut.api(`/api/devices/${deviceId}/readings?from=${new Date(t - 60_000).toISOString()}&to=${new Date(t).toISOString()}`);
      return body.points.filter((p: { metric: string }) => p.metric === 'residual_current').length === 2;
    }, 5000, 'both readings stored');
    expect((await sut.api(`/api/alarms?status=open&enterpriseId=${enterpriseId}`)).body).toEqual([]);

    await device.endAsync();
    await sut.stop();
    await sut.start();
    device = await sut.device();

    // 11 s after the first reading above 300 mA: the 10 s duration is met only if
    // the restarted process still knows the condition began at t - 20 s.
    await publish(enterpriseId, deviceId, { ts: t - 9_000, readings: { residual_current: 370, cable_temperature: 31 } });
    const alarm = await waitFor(async () => {
      const { body } = await sut.api(`/api/alarms?status=open&enterpriseId=${enterpriseId}`);
      return body.find((a: { ruleId: string }) => a.ruleId.startsWith('residual_current'));
    }, 5000, 'the residual-current alarm after the restart');
    expect(alarm).toMatchObject({ deviceId, grade: 'yellow', status: 'open' });
    expect(Date.parse(alarm.raisedAt)).toBe(t - 9_000);
  });
});
