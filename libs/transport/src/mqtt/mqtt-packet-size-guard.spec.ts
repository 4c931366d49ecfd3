import { generate } from 'mqtt-packet';
import { MqttPacketSizeScanner } from './mqtt-packet-size-guard';

const publish = (bytes: number) =>
  generate({
    cmd: 'publish',
    topic: 'sites/E1/devices/D1/telemetry',
    payload: Buffer.alloc(bytes, 'a'),
    qos: 1,
    messageId: 1,
    retain: false,
    dup: false,
  });
const connect = generate({ cmd: 'connect', clientId: 'E1-D1', protocolId: 'MQTT', protocolVersion: 4, clean: true, keepalive: 60 });

/** Feeds the stream in pieces of `size` bytes and reports the first refusal. */
function scanInPieces(scanner: MqttPacketSizeScanner, stream: Buffer, size: number): number | null {
  for (let i = 0; i < stream.length; i += size) {
    const refused = scanner.scan(stream.subarray(i, i + size));
    if (refused !== null) return refused;
  }
  return null;
}

describe('MqttPacketSizeScanner', () => {
  const LIMIT = 128 * 1024;

  it.each([1, 2, 3, 7, 1000, 1 << 20])('follows packets up to the limit across chunk boundaries (chunks of %i bytes)', (size) => {
    const stream = Buffer.concat([connect, publish(10), publish(LIMIT - 100), generate({ cmd: 'pingreq' }), publish(0), publish(20_000)]);
    expect(scanInPieces(new MqttPacketSizeScanner(LIMIT), stream, size)).toBeNull();
  });

  it.each([1, 2, 5, 4096])('refuses the first packet over the limit at its header, whatever the chunking (chunks of %i bytes)', (size) => {
    const big = publish(LIMIT + 1);
    const stream = Buffer.concat([connect, publish(100), big]);
    // Its Remaining Length: all but the control byte and the three bytes that encode it.
    expect(scanInPieces(new MqttPacketSizeScanner(LIMIT), stream, size)).toBe(big.length - 1 - 3);
  });

  it('refuses a header announcing 256 MB with no body behind it', () => {
    // PUBLISH, Remaining Length 268,435,455 (0xFF 0xFF 0xFF 0x7F): the most MQTT allows. Refused at the
    // third length byte, once what is read already exceeds the limit.
    expect(new MqttPacketSizeScanner(LIMIT).scan(Buffer.from([0x32, 0xff, 0xff, 0xff, 0x7f]))).toBe(127 + 127 * 128 + 127 * 128 * 128);
    expect(new MqttPacketSizeScanner(LIMIT).scan(Buffer.from([0x32, 0xff, 0xff]))).toBeNull();
  });
});
