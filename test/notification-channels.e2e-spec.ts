import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { IncidentView } from '@app/contracts';
import { waitFor } from '@app/testing';
import { AllInOneHarness } from '@app/testing/all-in-one.harness';
import { AllInOneModule } from '@app/all-in-one';

const SAMPLE = join(__dirname, '..', 'deploy', 'zone-sample');

interface Mail {
  to: string[];
  raw: string;
}

type Detail = IncidentView & {
  notifications: { channel: string; recipient: string; event: string; status: string; attempts: number; lastError: string | null }[];
};

/**
 * E-mail and SMS through the whole system, to real peers: a real SMTP server (smtp-server) that refuses one
 * recipient, and an HTTP SMS gateway. A fire at YK-E01 (sample register) reaches the duty desk of YK-S1 and the
 * enterprise's responsible contact by mail, with the duty desk's action links; the refused recipient is a failed
 * notification with the server's answer, the others are delivered.
 */
describe('e-mail and SMS notifications to real peers', () => {
  const mails: Mail[] = [];
  const texts: { body: any; headers: IncomingMessage['headers'] }[] = [];
  let smtp: SMTPServer;
  let gateway: Server;
  let sut: AllInOneHarness;

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo(address, _session, callback) {
        if (address.address === 'chen.jianguo@jinlong-tools.example.cn') {
          const refusal = Object.assign(new Error('5.1.1 mailbox unavailable'), { responseCode: 550 });
          callback(refusal);
        } else callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    gateway = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        texts.push({ body: JSON.parse(Buffer.concat(chunks).toString('utf8')), headers: req.headers });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    sut = new AllInOneHarness(AllInOneModule, {
      ZONE_FILE: SAMPLE,
      NOTIFY_SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
      NOTIFY_SMTP_FROM: 'Zone safety <alarms@zone.example.cn>',
      NOTIFY_SMTP_TLS: 'off',
      NOTIFY_SMS_URL: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/send`,
      NOTIFY_SMS_HEADERS: JSON.stringify({ Authorization: 'Bearer gateway-key' }),
      NOTIFY_MAX_ATTEMPTS: '2',
      NOTIFY_BACKOFF_BASE_MS: '100',
      NOTIFY_BACKOFF_CAP_MS: '100',
    });
    await sut.start();
  }, 60_000);

  afterAll(async () => {
    await sut?.dispose();
    await new Promise((r) => smtp.close(() => r(undefined)));
    await new Promise((r) => gateway.close(r));
  });

  it('mails and texts the incident to its recipients; a refused recipient is a failed notification naming the answer', async () => {
    const device = await sut.device();
    await device.publishAsync(
      'sites/YK-E01/devices/YK-E01-D01/telemetry',
      JSON.stringify({ ts: Date.now(), readings: { smoke: true, temperature: 80 } }),
      { qos: 1 },
    );
    await device.endAsync();
    const incident = await waitFor(
      async () => (await sut.api<IncidentView[]>('/api/incidents?status=open&enterpriseId=YK-E01')).body[0],
      10_000,
      'the incident',
    );

    const settled = await waitFor(
      async () => {
        const { body } = await sut.api<Detail>(`/api/incidents/${incident.id}`);
        const opened = body.notifications.filter((n) => n.event === 'incident.opened' && n.channel !== 'webhook');
        return opened.length > 0 && opened.every((n) => n.status !== 'pending') && opened;
      },
      15_000,
      'every e-mail and text of the opening settled',
    );
    const byKey = Object.fromEntries(settled.map((n) => [`${n.channel} ${n.recipient}`, n]));
    expect(byKey['email contact:YK-C07']).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(byKey['sms contact:YK-C07']).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(byKey['email contact:YK-C01']).toMatchObject({ status: 'failed', attempts: 2, lastError: expect.stringContaining('550') });

    const toDuty = mails.find((m) => m.to.includes('duty.west@yk-fire.example.cn'));
    expect(toDuty).toBeDefined();
    const decoded = toDuty!.raw.replace(/=\r\n/g, '');
    expect(decoded).toContain(incident.id);
    expect(decoded).toMatch(/\/actions\/[\w-]+\.[\w-]+/);

    const text = texts.find((t) => t.body.to === '+86 579 8711 0119');
    expect(text?.headers.authorization).toBe('Bearer gateway-key');
    expect([...(text!.body.text as string)].length).toBeLessThanOrEqual(160);
    expect(text!.body.text).toContain(incident.id);
  }, 40_000);
});
