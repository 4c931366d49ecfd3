import { DynamicModule, INestApplication } from '@nestjs/common';
import { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, MqttClient } from 'mqtt';
import { AppConfig, loadConfig, startApp } from '@app/config';
import { EmbeddedMqttBroker } from '@app/transport';

export const TOKEN = 'e2e-operator-token';

/** The all-in-one app (its root module given by the spec) on free ports and a data directory of its own, restartable on that directory. */
export class AllInOneHarness {
  app: INestApplication | null = null;
  baseUrl = '';
  mqttPort = 0;
  readonly dataDir = mkdtempSync(join(tmpdir(), 'zone-e2e-'));

  constructor(
    private readonly root: { forRoot(config: AppConfig): DynamicModule },
    private readonly env: Record<string, string> = {},
    /** With HTTP_TLS_CERT set: the CA (PEM) api() trusts the command center's certificate by. */
    private readonly httpsCa?: string,
  ) {}

  async start(): Promise<void> {
    const config: AppConfig = loadConfig({
      PORT: '0',
      MQTT_PORT: '0',
      MQTT_HOST: '127.0.0.1',
      DATA_DIR: this.dataDir,
      OPERATOR_TOKEN: TOKEN,
      SEED_ENTERPRISES: '20',
      LOG_LEVEL: 'warn',
      DEADLINE_POLL_MS: '200',
      // The specs' devices connect anonymously; test/device-credentials.e2e-spec.ts turns authentication on.
      MQTT_DEVICE_AUTH: 'off',
      ...this.env,
    });
    this.app = await startApp(this.root.forRoot(config), config);
    const port = (this.app.getHttpServer().address() as AddressInfo).port;
    this.baseUrl = `${config.httpEdge.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
    this.mqttPort = this.app.get(EmbeddedMqttBroker).port;
  }

  async stop(): Promise<void> {
    await this.app?.close();
    this.app = null;
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  async api<T = any>(path: string, init: RequestInit & { token?: string | null } = {}): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const token = init.token === undefined ? TOKEN : init.token;
    if (token) headers.authorization = `Bearer ${token}`;
    const res = this.httpsCa ? await this.httpsFetch(path, { ...init, headers }) : await fetch(this.baseUrl + path, { ...init, headers });
    const text = await res.text();
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON (metrics, dashboard)
    }
    return { status: res.status, body };
  }

  /** fetch cannot be given a CA; the few calls of a spec over HTTPS go through node:https. */
  private httpsFetch(
    path: string,
    init: RequestInit & { headers: Record<string, string> },
  ): Promise<{ status: number; text(): Promise<string> }> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(this.baseUrl + path, { method: init.method ?? 'GET', headers: init.headers, ca: this.httpsCa }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: () => Promise.resolve(Buffer.concat(chunks).toString()) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(typeof init.body === 'string' ? init.body : undefined);
    });
  }

  device(): Promise<MqttClient> {
    return connectAsync(`mqtt://127.0.0.1:${this.mqttPort}`, { protocolVersion: 4, reconnectPeriod: 0 });
  }
}
