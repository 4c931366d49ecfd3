import { DeviceSeed } from '@app/domain';
import { rawMessage } from './raw-message';

const device: DeviceSeed = { id: 'E0007-D03', enterpriseId: 'E0007', type: 'smoke_detector', reportIntervalS: 30 };

describe('rawMessage', () => {
  it('fills the device into the topic and a timestamp, shifted by seconds, into a json payload as a number', () => {
    const m = rawMessage(
      { topic: 'sites/{enterprise}/devices/{device}/telemetry', json: { ts: '{ts+60}', readings: { smoke: true } } },
      device,
      1_000,
    );
    expect(m.topic).toBe('sites/E0007/devices/E0007-D03/telemetry');
    expect(JSON.parse(m.payload.toString())).toEqual({ ts: 61_000, readings: { smoke: true } });
  });

  it('sends text, base64 and filler bytes exactly', () => {
    expect(rawMessage({ topic: 't', payload: '{"ts": {ts}' }, null, 5).payload.toString()).toBe('{"ts": 5');
    expect([...rawMessage({ topic: 't', base64: '/wA=' }, null, 0).payload]).toEqual([0xff, 0x00]);
    expect(rawMessage({ topic: 't', bytes: 70_000 }, null, 0).payload.length).toBe(70_000);
  });
});
