import type { Socket } from 'node:net';

/**
 * Follows the MQTT fixed headers in a byte stream (one control byte, then the
 * Remaining Length as a variable byte integer, then that many bytes) and says
 * when a packet announces more than `maxRemainingLength` bytes: the moment
 * its header arrives, before a byte of its body is buffered.
 */
export class MqttPacketSizeScanner {
  private state: 'control' | 'length' | 'body' = 'control';
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private bodyLeft = 0;

  constructor(readonly maxRemainingLength: number) {}

  /** Null, or the size announced so far by the first packet over the limit (refused mid-header once over it). */
  scan(chunk: Buffer): number | null {
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'body') {
        const skip = Math.min(this.bodyLeft, chunk.length - i);
        this.bodyLeft -= skip;
        i += skip;
        if (this.bodyLeft === 0) this.state = 'control';
        continue;
      }
      const byte = chunk[i++];
      if (this.state === 'control') {
        this.state = 'length';
        this.length = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
        continue;
      }
      this.length += (byte & 0x7f) * this.multiplier;
      this.multiplier *= 128;
      this.lengthBytes++;
      if (this.length > this.maxRemainingLength) return this.length;
      if (byte & 0x80) {
        // A fifth length byte is malformed MQTT; the broker's parser refuses it, we need not count further.
        if (this.lengthBytes === 4) return this.length;
        continue;
      }
      this.bodyLeft = this.length;
      this.state = this.length > 0 ? 'body' : 'control';
    }
    return null;
  }
}

/**
 * Closes a connection as soon as it announces an MQTT packet larger than
 * `maxRemainingLength`. aedes has no such limit: it would buffer up to the
 * protocol's 256 MB per packet, even before the client has logged in. aedes
 * pulls a connection's bytes with read() when it is ready for them, so the
 * guard sees every chunk first.
 */
export function guardMqttPacketSize(socket: Socket, maxRemainingLength: number, onRefused?: (announced: number) => void): Socket {
  const scanner = new MqttPacketSizeScanner(maxRemainingLength);
  const read = socket.read.bind(socket);
  socket.read = (size?: number) => {
    const chunk = read(size) as Buffer | string | null;
    if (chunk === null || socket.destroyed) return chunk;
    const announced = scanner.scan(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    if (announced === null) return chunk;
    onRefused?.(announced);
    socket.destroy();
    return null;
  };
  return socket;
}
