import { MqttClient } from 'mqtt';
import { SseRecorder, waitFor } from '@app/testing';
import { AllInOneHarness, TOKEN } from '@app/testing/all-in-one.harness';
import { AllInOneModule } from '@app/all-in-one';

const FLOOD = 5000;

interface DeviceView {
  id: string;
  type: string;
}

/** Sums a Prometheus counter's samples whose labels contain `labels` (e.g. 'reason="rate-limited"'). */
function counter(metrics: string, name: string, labels = ''): number {
  return metrics
    .split('\n')
    .filter((line) => line.startsWith(name) && line.includes(labels))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

/**
 * One device floods (5,000 messages as fast as QoS 1 allows) with the default
 * flood limits; meanwhile a smoke detector of the same enterprise sees a fire.
 * The fire's alarm arrives as quickly as it does without a flood, the flood is
 * capped at the device's burst and rate, and every message over it is kept as
 * a rate-limited dead letter and counted on /metrics.
 */
describe('a flooding device is rate-limited without delaying another device’s fire', () => {
  const sut = new AllInOneHarness(AllInOneModule);
  const stream = new SseRecorder();
  let flooder: MqttClient;
  let detector: MqttClient;

  beforeAll(async () => {
    await sut.start();
    await stream.open(`${sut.baseUrl}/api/stream`, { authorization: `Bearer ${TOKEN}` });
    [flooder, detector] = await Promise.all([sut.device(), sut.device()]);
  });

  afterAll(async () => {
    await Promise.all([flooder?.endAsync(), detector?.endAsync()]);
    await stream.close();
    await sut.dispose();
  });

  /** An enterprise with a smoke detector and another device to flood from. */
  async function pickEnterprise(skip: string[]): Promise<{ enterpriseId: string; smoke: string; other: string }> {
    for (let n = 1; n <= 20; n++) {
      const enterpriseId = `E${String(n).padStart(4, '0')}`;
      if (skip.includes(enterpriseId)) continue;
      const { body } = await sut.api<{ devices: DeviceView[] }>(`/api/enterprises/${enterpriseId}`);
      const smoke = body.devices.find((d) => d.type === 'smoke_detector');
      const other = body.devices.find((d) => d.id !== smoke?.id && (d.type === 'heat_detector' || d.type === 'smoke_detector'));
      if (smoke && other) return { enterpriseId, smoke: smoke.id, other: other.id };
    }
    throw new Error('no enterprise with a smoke detector and a second detector');
  }

  /** Publishes a fire and resolves with the ms until its alarm is on the live stream. */
  async function fireAlarmLatency(enterpriseId: string, deviceId: string): Promise<number> {
    const t0 = performance.timeOrigin + performance.now();
    await detector.publishAsync(
      `sites/${enterpriseId}/devices/${deviceId}/telemetry`,
      JSON.stringify({ ts: Date.now(), readings: { smoke: true, temperature: 75 } }),
      { qos: 1 },
    );
    const alarm = await waitFor(
      () => stream.ofType('alarm.raised').find((e) => e.data.deviceId === deviceId && e.data.ruleId === 'smoke.alarm'),
      10_000,
      `the smoke alarm of ${deviceId}`,
    );
    return alarm.receivedAt! - t0;
  }

  it('delivers the fire alarm promptly, caps the flood at the device limit and counts every refused message', async () => {
    const calm = await pickEnterprise([]);
    const baselineMs = await fireAlarmLatency(calm.enterpriseId, calm.smoke);

    const target = await pickEnterprise([calm.enterpriseId]);
    const metricsBefore = (await sut.api<string>('/metrics', { token: null })).body;
    const refusedBefore = counter(metricsBefore, 'zone_dead_letters_total', 'reason="rate-limited"');
    const acceptedBefore = counter(metricsBefore, 'zone_readings_accepted_total');
    const floodTopic = `sites/${target.enterpriseId}/devices/${target.other}/telemetry`;
    const floodStarted = Date.now();
    const flood = Promise.all(
      Array.from({ length: FLOOD }, (_, i) =>
        flooder.publishAsync(floodTopic, JSON.stringify({ ts: floodStarted + i, seq: i + 1, readings: { temperature: 21 } }), { qos: 1 }),
      ),
    );
    // The fire starts once the flood is being refused.
    await waitFor(
      async () =>
        counter((await sut.api<string>('/metrics', { token: null })).body, 'zone_dead_letters_total', 'reason="rate-limited"') >
        refusedBefore + 500,
      20_000,
      'the flood being refused',
    );
    const floodedMs = await fireAlarmLatency(target.enterpriseId, target.smoke);
    await flood;
    const floodSeconds = (Date.now() - floodStarted) / 1000;

    const metrics = (await sut.api<string>('/metrics', { token: null })).body;
    const refused = counter(metrics, 'zone_dead_letters_total', 'reason="rate-limited"') - refusedBefore;
    const accepted = counter(metrics, 'zone_readings_accepted_total') - acceptedBefore - 1;
    process.stdout.write(
      `flood of ${FLOOD} in ${floodSeconds.toFixed(1)} s: ${accepted} accepted, ${refused} rate-limited; fire alarm ${Math.round(floodedMs)} ms during the flood, ${Math.round(baselineMs)} ms without\n`,
    );

    expect(floodedMs).toBeLessThan(Math.max(2000, 3 * baselineMs));
    // The default limits: a burst of 200, then 20 a second.
    expect(accepted + refused).toBe(FLOOD);
    expect(accepted).toBeGreaterThanOrEqual(200);
    expect(accepted).toBeLessThanOrEqual(200 + 20 * Math.ceil(floodSeconds + 1));
    // Refused, not lost: each is kept with its reason and what the device sent.
    const stats = await waitFor(
      async () => {
        const { body } = await sut.api<{ byReason: Record<string, number> }>('/api/dead-letters/stats');
        return (body.byReason['rate-limited'] ?? 0) >= refused ? body : undefined;
      },
      20_000,
      'the rate-limited dead letters stored',
    );
    expect(stats.byReason['rate-limited']).toBe(refused);
    const { body: kept } = await sut.api<Array<{ deviceId: string; detail: string; payload: string }>>(
      '/api/dead-letters?reason=rate-limited&limit=1',
    );
    expect(kept[0]).toMatchObject({
      deviceId: target.other,
      detail: `device ${target.other} is over its limit of 20 messages/s (burst 200)`,
    });
    expect(JSON.parse(kept[0].payload)).toMatchObject({ readings: { temperature: 21 } });
  });
});
