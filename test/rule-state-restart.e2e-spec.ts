import { MqttClient } from 'mqtt';
import { waitFor } from '@app/testing';
import { AllInOneHarness } from '@app/testing/all-in-one.harness';
import { AllInOneModule } from '@app/all-in-one';

describe('rule state survives a restart of the process', () => {
  const sut = new AllInOneHarness(AllInOneModule);
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

  const firstOfType = async (type: string) => {
    const { body: enterprises } = await sut.api('/api/enterprises?limit=20');
    for (const e of enterprises.items) {
      const { body } = await sut.api(`/api/enterprises/${e.id}`);
      const device = body.devices.find((d: { type: string }) => d.type === type);
      if (device) return { enterpriseId: e.id as string, deviceId: device.id as string };
    }
    throw new Error(`no ${type} in the test zone`);
  };

  it("keeps a rate rule's history across a clean restart: a rise begun before it is judged over the whole window after it", async () => {
    const { enterpriseId, deviceId } = await firstOfType('heat_detector');
    const t = Date.now();
    // Two history samples 30 s apart, rising gently: no alarm yet, and only rate samples (written every RULE_WINDOW_SAVE_MS, and at shutdown) changed.
    await publish(enterpriseId, deviceId, { ts: t - 70_000, readings: { temperature: 20 } });
    await publish(enterpriseId, deviceId, { ts: t - 40_000, readings: { temperature: 22 } });
    await waitFor(
      async () => {
        const { body } = await sut.api(
          `/api/devices/${deviceId}/readings?from=${new Date(t - 120_000).toISOString()}&to=${new Date(t).toISOString()}`,
        );
        return body.points.length === 2;
      },
      5000,
      'both readings stored',
    );

    await device.endAsync();
    await sut.stop();
    await sut.start();
    device = await sut.device();

    // 35 s after the sample at 22 °C, 35 °C is 22 °C/min: a rate-of-rise alarm only if that sample survived the restart.
    await publish(enterpriseId, deviceId, { ts: t - 5_000, readings: { temperature: 35 } });
    const alarm = await waitFor(
      async () => {
        const { body } = await sut.api(`/api/alarms?status=open&enterpriseId=${enterpriseId}`);
        return body.find((a: { ruleId: string }) => a.ruleId === 'temperature.rate-of-rise');
      },
      5000,
      'the rate-of-rise alarm after the restart',
    );
    expect(alarm).toMatchObject({ deviceId, grade: 'orange', status: 'open' });
  });

  it('fires a duration rule ("above 300 mA for 10 s") on time although the process restarted in the middle of it', async () => {
    const { enterpriseId, deviceId } = await firstOfType('electrical_fire_monitor');
    const t = Date.now();
    await publish(enterpriseId, deviceId, { ts: t - 20_000, readings: { residual_current: 350, cable_temperature: 31 } });
    await publish(enterpriseId, deviceId, { ts: t - 16_000, readings: { residual_current: 360, cable_temperature: 31 } });
    await waitFor(
      async () => {
        const { body } = await sut.api(
          `/api/devices/${deviceId}/readings?from=${new Date(t - 60_000).toISOString()}&to=${new Date(t).toISOString()}`,
        );
        return body.points.filter((p: { metric: string }) => p.metric === 'residual_current').length === 2;
      },
      5000,
      'both readings stored',
    );
    expect((await sut.api(`/api/alarms?status=open&deviceId=${deviceId}`)).body).toEqual([]);

    await device.endAsync();
    await sut.stop();
    await sut.start();
    device = await sut.device();

    // 11 s after the first reading above 300 mA: the 10 s duration is met only if
    // the restarted process still knows the condition began at t - 20 s.
    await publish(enterpriseId, deviceId, { ts: t - 9_000, readings: { residual_current: 370, cable_temperature: 31 } });
    const alarm = await waitFor(
      async () => {
        const { body } = await sut.api(`/api/alarms?status=open&enterpriseId=${enterpriseId}`);
        return body.find((a: { ruleId: string }) => a.ruleId.startsWith('residual_current'));
      },
      5000,
      'the residual-current alarm after the restart',
    );
    expect(alarm).toMatchObject({ deviceId, grade: 'yellow', status: 'open' });
    expect(Date.parse(alarm.raisedAt)).toBe(t - 9_000);
  });
});
