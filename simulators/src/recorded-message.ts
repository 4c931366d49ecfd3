import { z } from 'zod';

/** One line of a recording: a message as the broker delivered it, `t` ms after the recording started. */
export const recordedMessageSchema = z
  .object({
    t: z.number().finite().nonnegative(),
    topic: z.string().min(1),
    payload: z.string(),
    encoding: z.enum(['utf8', 'base64']),
    qos: z.union([z.literal(0), z.literal(1), z.literal(2)]),
    retain: z.boolean(),
  })
  .strict();
export type RecordedMessage = z.infer<typeof recordedMessageSchema>;

/** UTF-8 text stays readable in the file; anything else is base64, so every byte comes back. */
export function recordMessage(t: number, topic: string, payload: Buffer, qos: 0 | 1 | 2, retain: boolean): RecordedMessage {
  const text = payload.toString('utf8');
  const utf8 = Buffer.from(text, 'utf8').equals(payload);
  return { t, topic, payload: utf8 ? text : payload.toString('base64'), encoding: utf8 ? 'utf8' : 'base64', qos, retain };
}

export function payloadBytes(m: RecordedMessage): Buffer {
  return Buffer.from(m.payload, m.encoding);
}

/** Reads a JSONL recording; a bad line is an error naming its number. */
export function parseRecording(text: string, source = 'recording'): RecordedMessage[] {
  const messages: RecordedMessage[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (e) {
      throw new Error(`${source}:${i + 1}: not JSON: ${(e as Error).message}`, { cause: e });
    }
    const parsed = recordedMessageSchema.safeParse(json);
    if (!parsed.success)
      throw new Error(`${source}:${i + 1}: ${parsed.error.issues.map((x) => `${x.path.join('.') || '(root)'}: ${x.message}`).join('; ')}`);
    messages.push(parsed.data);
  });
  return messages;
}
