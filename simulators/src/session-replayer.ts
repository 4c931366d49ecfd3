import { connectAsync, MqttClient } from 'mqtt';
import { PublishStats } from './publish-stats';
import { payloadBytes, RecordedMessage } from './recorded-message';
import { replayKey, replaySchedule, ReplayTiming } from './replay-schedule';

export interface ReplayOptions extends Partial<ReplayTiming> {
  url: string;
  username?: string;
  password?: string;
  stats?: PublishStats;
  signal?: AbortSignal;
}

const MAX_IN_FLIGHT = 2000;

/**
 * Publishes a recording again: each device's messages in their recorded
 * order on one connection, the gaps between them scaled by speed (or none).
 */
export async function replaySession(messages: readonly RecordedMessage[], o: ReplayOptions): Promise<PublishStats> {
  const timing: ReplayTiming = { speed: o.speed ?? 1, asFastAsPossible: o.asFastAsPossible ?? false, lanes: o.lanes ?? 4 };
  const schedule = replaySchedule(messages, timing);
  const stats = o.stats ?? new PublishStats();
  stats.devices = stats.online = new Set(schedule.map((s) => replayKey(s.message.topic))).size;
  const clients: MqttClient[] = [];
  try {
    for (let i = 0; i < timing.lanes; i++) {
      const client = await connectAsync(o.url, {
        protocolVersion: 4,
        clientId: `replay-${process.pid}-${i}`,
        username: o.username,
        password: o.password,
      });
      client.on('error', (e) => stats.failed(e));
      clients.push(client);
    }
    const start = Date.now();
    for (const s of schedule) {
      if (o.signal?.aborted) break;
      const wait = start + s.atMs - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      while (stats.inFlight >= MAX_IN_FLIGHT) await new Promise((r) => setTimeout(r, 1));
      stats.inFlight++;
      // Not awaited: on one connection, packets leave in the order they are published.
      clients[s.lane]
        .publishAsync(s.message.topic, payloadBytes(s.message), { qos: s.message.qos, retain: s.message.retain })
        .then(
          () => void stats.sent++,
          (e) => stats.failed(e),
        )
        .finally(() => void stats.inFlight--);
    }
    while (stats.inFlight > 0) await new Promise((r) => setTimeout(r, 5));
  } finally {
    await Promise.all(clients.map((c) => c.endAsync().catch(() => undefined)));
  }
  return stats;
}
