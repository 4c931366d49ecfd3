import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { verifyWebhook } from '@app/domain';
import { freePort } from '@app/testing';
import type { NotificationRow } from '@app/storage';
import { WebhookChannel } from './webhook.channel';

const SECRET = 'channel-spec-secret';

const row = (deliveryId = 'a0b1c2d3-0000-4000-8000-000000000001'): NotificationRow => ({
  deliveryId,
  idempotencyKey: `k-${deliveryId}`,
  incidentId: 'INC-1',
  eventType: 'incident.opened',
  channel: 'webhook',
  recipient: 'command-center',
  payload: { type: 'incident.opened', at: '2026-12-02T10:00:00.000Z', incident: { id: 'INC-1', grade: 'red' } },
  status: 'pending',
  attempts: 0,
  nextAttemptAt: new Date(),
  lastError: null,
  createdAt: new Date(),
  deliveredAt: null,
});

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A real HTTP peer whose answer each test chooses. */
class Receiver {
  readonly received: Received[] = [];
  private server!: Server;
  url = '';

  constructor(private readonly answer: (res: ServerResponse, req: IncomingMessage) => void) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        this.answer(res, req);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const channelTo = (url: string, timeoutMs = 2000) => new WebhookChannel({ url, secret: SECRET, timeoutMs });

describe('WebhookChannel against a real HTTP receiver', () => {
  const receivers: Receiver[] = [];
  const receiver = async (answer: (res: ServerResponse, req: IncomingMessage) => void) => {
    const r = await new Receiver(answer).start();
    receivers.push(r);
    return r;
  };
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((r) => r.stop()));
  });

  it('delivers on 2xx: JSON {id, type, at, incident} signed over "<timestamp>.<body>", the delivery id in its header', async () => {
    const peer = await receiver((res) => res.writeHead(204).end());
    const at = Date.now();
    await expect(channelTo(peer.url).send(row(), at)).resolves.toEqual({ ok: true });

    const [{ headers, body }] = peer.received;
    expect(headers['content-type']).toBe('application/json');
    expect(headers['x-zone-delivery']).toBe('a0b1c2d3-0000-4000-8000-000000000001');
    expect(headers['x-zone-timestamp']).toBe(String(Math.floor(at / 1000)));
    expect(JSON.parse(body)).toEqual({
      id: 'a0b1c2d3-0000-4000-8000-000000000001',
      type: 'incident.opened',
      at: '2026-12-02T10:00:00.000Z',
      incident: { id: 'INC-1', grade: 'red' },
    });
    const signed = { timestamp: String(headers['x-zone-timestamp']), signature: String(headers['x-zone-signature']) };
    expect(verifyWebhook(SECRET, signed, body, Date.now())).toBe(true);
    expect(verifyWebhook('another-secret', signed, body, Date.now())).toBe(false);
  });

  it('sends the same delivery id on a retry, re-signed with the time of that attempt', async () => {
    const peer = await receiver((res) => res.writeHead(200).end('ok'));
    const channel = channelTo(peer.url);
    await channel.send(row(), Date.now() - 60_000);
    await channel.send(row(), Date.now());
    const [first, second] = peer.received;
    expect(first.headers['x-zone-delivery']).toBe(second.headers['x-zone-delivery']);
    expect(first.headers['x-zone-timestamp']).not.toBe(second.headers['x-zone-timestamp']);
    expect(first.body).toBe(second.body);
  });

  it.each([400, 404, 410, 429, 500, 503])('records HTTP %i as a failed attempt', async (status) => {
    const peer = await receiver((res) => res.writeHead(status).end('no'));
    await expect(channelTo(peer.url).send(row(), Date.now())).resolves.toEqual({ ok: false, error: `HTTP ${status}` });
  });

  it('does not follow a redirect: a failed attempt, and the other location never hears of it', async () => {
    const elsewhere = await receiver((res) => res.writeHead(200).end());
    const peer = await receiver((res) => res.writeHead(307, { location: elsewhere.url }).end());
    await expect(channelTo(peer.url).send(row(), Date.now())).resolves.toEqual({ ok: false, error: 'HTTP 307' });
    expect(elsewhere.received).toHaveLength(0);
  });

  it('gives up on a receiver that does not answer in time: a failed attempt naming the timeout', async () => {
    const peer = await receiver(() => undefined);
    const started = Date.now();
    await expect(channelTo(peer.url, 300).send(row(), Date.now())).resolves.toEqual({ ok: false, error: 'timeout after 300 ms' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('does not read a huge answer: a 2xx with an endless body is delivered at once', async () => {
    const peer = await receiver((res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(1 << 20, 0x61);
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    const started = Date.now();
    await expect(channelTo(peer.url).send(row(), Date.now())).resolves.toEqual({ ok: true });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('records an unreachable receiver (connection refused) as a failed attempt', async () => {
    const port = await freePort();
    await expect(channelTo(`http://127.0.0.1:${port}/hook`).send(row(), Date.now())).resolves.toEqual({
      ok: false,
      error: 'ECONNREFUSED',
    });
  });

  it('records a host that does not resolve as a failed attempt', async () => {
    const outcome = await channelTo('http://zone-receiver.invalid/hook').send(row(), Date.now());
    expect(outcome.ok).toBe(false);
    expect(outcome).toEqual({ ok: false, error: expect.stringMatching(/ENOTFOUND|EAI_AGAIN|timeout/) });
  });

  it('records a receiver that drops the connection mid-answer as a failed attempt', async () => {
    const peer = await receiver((res) => res.socket?.destroy());
    const outcome = await channelTo(peer.url).send(row(), Date.now());
    expect(outcome.ok).toBe(false);
  });
});
