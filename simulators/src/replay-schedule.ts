import { parseDeviceTopic } from '@app/contracts';
import { RecordedMessage } from './recorded-message';

export interface ReplayTiming {
  /** Times faster than recorded; ignored when as fast as possible. */
  speed: number;
  asFastAsPossible: boolean;
  /** Connections to spread the devices over; one device always on the same one, so its order holds. */
  lanes: number;
}

export interface ScheduledMessage {
  /** Ms after the replay starts. */
  atMs: number;
  lane: number;
  message: RecordedMessage;
}

/** The device a message belongs to, or its topic when it names none. */
export function replayKey(topic: string): string {
  return parseDeviceTopic(topic)?.deviceId ?? topic;
}

function laneOf(key: string, lanes: number): number {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) >>> 0;
  return h % lanes;
}

/** When and on which connection each recorded message goes out: recorded order, gaps scaled by speed. */
export function replaySchedule(messages: readonly RecordedMessage[], timing: ReplayTiming): ScheduledMessage[] {
  if (!timing.asFastAsPossible && !(timing.speed > 0)) throw new Error(`speed must be above 0, got ${timing.speed}`);
  const lanes = Math.max(1, Math.floor(timing.lanes));
  // A stable sort: messages recorded in the same millisecond keep the order they arrived in.
  const ordered = messages.map((m, i) => ({ m, i })).sort((a, b) => a.m.t - b.m.t || a.i - b.i);
  const first = ordered[0]?.m.t ?? 0;
  return ordered.map(({ m }) => ({
    atMs: timing.asFastAsPossible ? 0 : (m.t - first) / timing.speed,
    lane: laneOf(replayKey(m.topic), lanes),
    message: m,
  }));
}
