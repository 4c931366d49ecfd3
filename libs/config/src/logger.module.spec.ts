import { Controller, Get, INestApplication, Logger as NestLogger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { Logger } from 'nestjs-pino';
import { loadConfig } from './app-config';
import { LoggerModule, redactUrl } from './logger.module';

const SECRET = 'sekrit-7f3a';

@Controller()
class ProbeController {
  private readonly logger = new NestLogger('Probe');

  @Get('api/stream')
  stream(): string {
    this.logger.log('client connected to the live stream');
    return 'ok';
  }

  @Get('api/broken')
  broken(): never {
    throw new Error('handler failed');
  }
}

describe('HTTP request logs', () => {
  const lines: string[] = [];
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    @Module({ imports: [LoggerModule.forRoot(loadConfig({ LOG_LEVEL: 'info' }).log, 'test', sink)], controllers: [ProbeController] })
    class ProbeModule {}
    app = await NestFactory.create(ProbeModule, { bufferLogs: true });
    app.useLogger(app.get(Logger));
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app.close();
  });

  it('never show a token, whether it came in a header, a cookie or the query string (the live stream takes ?access_token=)', async () => {
    const headers = { authorization: `Bearer ${SECRET}-header`, cookie: `session=${SECRET}-cookie` };
    expect((await fetch(`${base}/api/stream?grade=red&access_token=${SECRET}-query`, { headers })).status).toBe(200);
    expect((await fetch(`${base}/api/broken?token=${SECRET}-dashboard`, { headers })).status).toBe(500);

    const logged = lines.map(
      (l) => JSON.parse(l) as { msg?: string; req?: { url: string; query: Record<string, string>; headers: Record<string, string> } },
    );
    const connected = logged.find((l) => l.msg === 'client connected to the live stream');
    const failed = logged.find((l) => l.req?.url.startsWith('/api/broken'));
    expect(connected?.req).toMatchObject({
      url: '/api/stream?grade=red&access_token=[Redacted]',
      query: { grade: 'red', access_token: '[Redacted]' },
      headers: { authorization: '[Redacted]', cookie: '[Redacted]' },
    });
    expect(failed?.req).toMatchObject({ url: '/api/broken?token=[Redacted]', query: { token: '[Redacted]' } });
    expect(lines.join('\n')).not.toContain(SECRET);
  });
});

describe('redactUrl', () => {
  it.each([
    ['/api/stream?access_token=abc', '/api/stream?access_token=[Redacted]'],
    ['/?token=abc&x=1', '/?token=[Redacted]&x=1'],
    ['/api/stream?grade=red&ACCESS_TOKEN=abc#frag', '/api/stream?grade=red&ACCESS_TOKEN=[Redacted]#frag'],
    ['/api/stream?my_token=abc', '/api/stream?my_token=abc'],
    ['/health', '/health'],
  ])('%s → %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});
