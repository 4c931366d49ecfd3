import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_SMS_BODY_TEMPLATE, type SmsChannelConfig } from '@app/config';
import { addressedRow } from './notification-row.fixture';
import { SmsChannel } from './sms.channel';

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
}

async function gateway(status: number): Promise<{ base: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(status, status === 302 ? { location: 'http://127.0.0.1:1/elsewhere' } : {}).end('{"queued": true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

const config = (over: Partial<SmsChannelConfig> & { url: string; timeoutMs?: number }): SmsChannelConfig & { timeoutMs: number } => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json', Authorization: 'Bearer gw-token' },
  bodyTemplate: DEFAULT_SMS_BODY_TEMPLATE,
  timeoutMs: 2000,
  ...over,
});

describe('SmsChannel', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  });

  it('calls the gateway with its method and headers and the template filled in, JSON-escaped, at most 160 characters of text', async () => {
    const peer = await gateway(202);
    servers.push(peer.server);
    const sut = new SmsChannel(config({ url: `${peer.base}/v1/messages` }));

    const outcome = await sut.send(addressedRow('sms', '+86 138 0013 8000'));

    expect(outcome).toEqual({ ok: true });
    expect(peer.seen).toHaveLength(1);
    const [call] = peer.seen;
    expect(call.method).toBe('POST');
    expect(call.url).toBe('/v1/messages');
    expect(call.headers.authorization).toBe('Bearer gw-token');
    expect(call.headers['content-type']).toBe('application/json');
    const body = JSON.parse(call.body) as { to: string; text: string; reference: string };
    expect(body.to).toBe('+86 138 0013 8000');
    expect(body.reference).toBe('7d3f9a52-5a7e-4b43-9a3e-2f1f6c0c1a01');
    expect(body.text).toBe(
      'ZONE RED: Incident opened I-42 at 华东化工 Huadong Chemicals (E1), substation Xinhua (S3). Acknowledge by 08:01Z.',
    );
    expect([...body.text].length).toBeLessThanOrEqual(160);
  });

  it('fills a form body percent-encoded and placeholders in the URL, with the method configured', async () => {
    const peer = await gateway(200);
    servers.push(peer.server);
    const sut = new SmsChannel(
      config({
        url: `${peer.base}/send?ref={{deliveryId}}&incident={{incidentId}}`,
        method: 'PUT',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'X-Api-Key': 'k1' },
        bodyTemplate: 'to={{phone}}&msg={{text}}&grade={{grade}}&event={{event}}',
      }),
    );

    expect(await sut.send(addressedRow('sms', '+8613800138000'))).toEqual({ ok: true });

    const [call] = peer.seen;
    expect(call.method).toBe('PUT');
    expect(call.url).toBe('/send?ref=7d3f9a52-5a7e-4b43-9a3e-2f1f6c0c1a01&incident=I-42');
    expect(call.headers['x-api-key']).toBe('k1');
    const form = new URLSearchParams(call.body);
    expect(form.get('to')).toBe('+8613800138000');
    expect(form.get('msg')).toMatch(/^ZONE RED: Incident opened I-42 at 华东化工/);
    expect(form.get('grade')).toBe('red');
    expect(form.get('event')).toBe('incident.opened');
  });

  it('sends no body on GET', async () => {
    const peer = await gateway(204);
    servers.push(peer.server);
    const sut = new SmsChannel(config({ url: `${peer.base}/call?to={{phone}}`, method: 'GET', bodyTemplate: undefined }));

    expect(await sut.send(addressedRow('sms', '+86 138'))).toEqual({ ok: true });
    expect(peer.seen[0]).toMatchObject({ method: 'GET', url: '/call?to=%2B86%20138', body: '' });
  });

  it.each([400, 401, 500])('records an HTTP %i answer as a failed attempt', async (status) => {
    const peer = await gateway(status);
    servers.push(peer.server);
    const outcome = await new SmsChannel(config({ url: `${peer.base}/v1/messages` })).send(addressedRow('sms', '+86 1'));
    expect(outcome).toEqual({ ok: false, error: `HTTP ${status}` });
  });

  it('does not follow a redirect: it is a failed attempt', async () => {
    const peer = await gateway(302);
    servers.push(peer.server);
    const outcome = await new SmsChannel(config({ url: `${peer.base}/v1/messages` })).send(addressedRow('sms', '+86 1'));
    expect(outcome).toEqual({ ok: false, error: 'HTTP 302' });
    expect(peer.seen).toHaveLength(1);
  });

  it('records a gateway that does not answer in time as a timeout', async () => {
    const server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/messages`;

    const outcome = await new SmsChannel(config({ url, timeoutMs: 200 })).send(addressedRow('sms', '+86 1'));

    server.closeAllConnections();
    expect(outcome).toEqual({ ok: false, error: 'timeout after 200 ms' });
  });
});
