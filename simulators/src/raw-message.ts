import { DeviceSeed } from '@app/domain';

export interface RawStep {
  topic: string;
  payload?: string;
  json?: unknown;
  base64?: string;
  bytes?: number;
}

/** Fills {enterprise}, {device}, {ts} and {ts+S} / {ts-S} (S in seconds) in a template. */
function fillTemplate(template: string, device: DeviceSeed | null, ts: number): string {
  return template
    .replace(/\{enterprise\}/g, device?.enterpriseId ?? '')
    .replace(/\{device\}/g, device?.id ?? '')
    .replace(/\{ts(?:([+-])(\d+(?:\.\d+)?))?\}/g, (_m, sign: string | undefined, s: string | undefined) =>
      String(Math.round(ts + (sign === '-' ? -1 : 1) * Number(s ?? 0) * 1000)),
    );
}

/** The exact topic and bytes a raw step sends, on behalf of a device or of nobody. */
export function rawMessage(step: RawStep, device: DeviceSeed | null, ts: number): { topic: string; payload: Buffer } {
  const topic = fillTemplate(step.topic, device, ts);
  if (step.bytes !== undefined) return { topic, payload: Buffer.alloc(step.bytes, 0x78) };
  if (step.base64 !== undefined) return { topic, payload: Buffer.from(step.base64, 'base64') };
  // In a json payload, "{ts+S}" stands for a number, not a string.
  const text = step.payload ?? JSON.stringify(step.json).replace(/"(\{ts(?:[+-]\d+(?:\.\d+)?)?\})"/g, '$1');
  return { topic, payload: Buffer.from(fillTemplate(text, device, ts), 'utf8') };
}
