import { RecordedMessage, parseRecording, payloadBytes, recordMessage } from './recorded-message';
import { replayKey, replaySchedule } from './replay-schedule';

const msg = (t: number, device: string): RecordedMessage =>
  recordMessage(t, `sites/E0001/devices/${device}/telemetry`, Buffer.from(`{"t":${t}}`), 1, false);

describe('replaySchedule', () => {
  const recording = [msg(0, 'E0001-D01'), msg(500, 'E0001-D02'), msg(500, 'E0001-D01'), msg(2000, 'E0001-D03'), msg(1200, 'E0001-D02')];

  it('keeps the recorded gaps, divided by the speed, from the first message', () => {
    const sut = replaySchedule(recording, { speed: 2, asFastAsPossible: false, lanes: 3 });
    expect(sut.map((s) => s.atMs)).toEqual([0, 250, 250, 600, 1000]);
  });

  it('sends everything at once when as fast as possible, still in recorded order', () => {
    const sut = replaySchedule(recording, { speed: 1, asFastAsPossible: true, lanes: 3 });
    expect(sut.every((s) => s.atMs === 0)).toBe(true);
    expect(sut.map((s) => s.message.t)).toEqual([0, 500, 500, 1200, 2000]);
  });

  it('keeps the arrival order of messages recorded in the same millisecond', () => {
    const sut = replaySchedule(recording, { speed: 1, asFastAsPossible: false, lanes: 1 });
    expect(sut.slice(1, 3).map((s) => replayKey(s.message.topic))).toEqual(['E0001-D02', 'E0001-D01']);
  });

  it('puts each device on one connection, so its order holds', () => {
    const sut = replaySchedule([...recording, msg(3000, 'E0001-D01'), msg(3100, 'E0001-D02')], {
      speed: 1,
      asFastAsPossible: false,
      lanes: 4,
    });
    const lanes = new Map<string, Set<number>>();
    for (const s of sut) lanes.set(replayKey(s.message.topic), (lanes.get(replayKey(s.message.topic)) ?? new Set()).add(s.lane));
    for (const used of lanes.values()) expect(used.size).toBe(1);
  });

  it('refuses a speed of 0', () => {
    expect(() => replaySchedule(recording, { speed: 0, asFastAsPossible: false, lanes: 1 })).toThrow(/speed/);
  });
});

describe('recorded messages', () => {
  it('keep UTF-8 as text and anything else as base64, and give the same bytes back', () => {
    const text = recordMessage(1, 'a', Buffer.from('{"x":"°C"}'), 1, false);
    expect(text).toMatchObject({ encoding: 'utf8', payload: '{"x":"°C"}' });
    const binary = recordMessage(2, 'a', Buffer.from([0xff, 0x00, 0xfe]), 0, true);
    expect(binary.encoding).toBe('base64');
    expect([...payloadBytes(binary)]).toEqual([0xff, 0x00, 0xfe]);
  });

  it('parse from JSONL and name the bad line', () => {
    const line = JSON.stringify(msg(5, 'E0001-D01'));
    expect(parseRecording(`${line}\n\n${line}\n`)).toHaveLength(2);
    expect(() => parseRecording(`${line}\n{"t": -1}\n`, 'session.jsonl')).toThrow(/^session\.jsonl:2: /);
  });
});
