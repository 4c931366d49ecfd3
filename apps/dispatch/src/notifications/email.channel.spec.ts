import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { EmailChannel } from './email.channel';
import { addressedRow } from './notification-row.fixture';

interface Received {
  from: string | undefined;
  to: string[];
  raw: string;
}

async function smtp(options: Partial<SMTPServerOptions> = {}): Promise<{ port: number; received: Received[]; server: SMTPServer }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
    ...options,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.server.address() as AddressInfo).port, received, server };
}

/** The few MIME decodings a received plain-text mail needs: RFC 2047 words in headers, QP or base64 bodies. */
function header(raw: string, name: string): string {
  const head = raw.split(/\r\n\r\n/)[0].replace(/\r\n[ \t]+/g, ' ');
  const line = head.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  const value = line ? line.slice(name.length + 1).trim() : '';
  return value.replace(/\?=\s+=\?/g, '?==?').replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_, enc: string, text: string) =>
    enc.toLowerCase() === 'b'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(
          text.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
          'latin1',
        ).toString('utf8'),
  );
}

function body(raw: string): string {
  const text = raw.slice(raw.indexOf('\r\n\r\n') + 4);
  const encoding = header(raw, 'content-transfer-encoding').toLowerCase();
  if (encoding === 'base64') return Buffer.from(text, 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    const bytes = text.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8').replace(/\r\n/g, '\n');
  }
  return text.replace(/\r\n/g, '\n');
}

const options = (port: number, over: { timeoutMs?: number } = {}) => ({
  url: `smtp://127.0.0.1:${port}`,
  from: 'Zone <zone@zone.example>',
  tls: 'off' as const,
  timeoutMs: over.timeoutMs ?? 5000,
});

describe('EmailChannel', () => {
  const servers: { close(cb: () => void): void }[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  });

  it('mails the stored address a plain-text message with the incident, enterprise, grade, substation and due times', async () => {
    const peer = await smtp();
    servers.push(peer.server);
    const sut = new EmailChannel(options(peer.port));

    const outcome = await sut.send(addressedRow('email', 'duty@s3.example'));

    expect(outcome).toEqual({ ok: true });
    expect(peer.received).toHaveLength(1);
    const [mail] = peer.received;
    expect(mail.from).toBe('zone@zone.example');
    expect(mail.to).toEqual(['duty@s3.example']);
    expect(header(mail.raw, 'subject')).toBe('[ZONE RED] Incident opened: 华东化工 Huadong Chemicals (E1) - incident I-42');
    expect(header(mail.raw, 'message-id')).toBe('<7d3f9a52-5a7e-4b43-9a3e-2f1f6c0c1a01@zone.notifications>');
    expect(header(mail.raw, 'x-zone-delivery')).toBe('7d3f9a52-5a7e-4b43-9a3e-2f1f6c0c1a01');
    expect(header(mail.raw, 'content-type')).toMatch(/^text\/plain/);
    const text = body(mail.raw);
    expect(text).toContain('Incident:   I-42');
    expect(text).toContain('Enterprise: 华东化工 Huadong Chemicals (E1)');
    expect(text).toContain('Grade:      RED (level 1)');
    expect(text).toContain('Substation: Xinhua (S3)');
    expect(text).toContain('Acknowledge: due 2026-03-02 08:01:00 UTC (open)');
    expect(text).toContain('Under control: due 2026-03-02 08:05:00 UTC (open)');
  });

  it('records a refused recipient (5xx on RCPT) as a failed attempt with the server’s reply', async () => {
    const peer = await smtp({
      onRcptTo(address, _session, callback) {
        callback(Object.assign(new Error(`5.1.1 <${address.address}>: mailbox unavailable`), { responseCode: 550 }));
      },
    });
    servers.push(peer.server);
    const sut = new EmailChannel(options(peer.port));

    const outcome = await sut.send(addressedRow('email', 'gone@s3.example'));

    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.error).toMatch(/^SMTP RCPT TO 550 5\.1\.1 <gone@s3\.example>: mailbox unavailable/);
    expect(peer.received).toHaveLength(0);
  });

  it('records a refused connection as a failed attempt, without throwing', async () => {
    const closed = createTcpServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const outcome = await new EmailChannel(options(port)).send(addressedRow('email', 'duty@s3.example'));

    expect(outcome).toEqual({ ok: false, error: expect.stringMatching(/ECONNREFUSED/) as unknown });
  });

  it('records a server that never greets as a timeout', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createTcpServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    servers.push({ close: (cb) => (sockets.forEach((s) => s.destroy()), silent.close(cb)) });
    const port = (silent.address() as AddressInfo).port;

    const outcome = await new EmailChannel(options(port, { timeoutMs: 300 })).send(addressedRow('email', 'duty@s3.example'));

    expect(outcome).toEqual({ ok: false, error: 'timeout after 300 ms' });
  });

  it('fails a row stored without an address instead of guessing one', async () => {
    const row = addressedRow('email', '');
    expect(await new EmailChannel(options(1)).send(row)).toEqual({ ok: false, error: 'payload without an address or an incident' });
  });
});
