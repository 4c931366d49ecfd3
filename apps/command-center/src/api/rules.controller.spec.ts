import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { clockProvider, configProviders, loadConfig } from '@app/config';
import { defaultRuleSet } from '@app/domain';
import { AuthGuard } from '../auth/auth.guard';
import { LoginThrottle } from '../auth/login-throttle';
import { TokenStore } from '../auth/token-store';
import { ApiTokensRepository } from '@app/storage';
import { RulesController } from './rules.controller';

const TOKEN = 'rules-spec-token';

async function start(env: NodeJS.ProcessEnv): Promise<{ app: INestApplication; url: string }> {
  const moduleRef = await Test.createTestingModule({
    controllers: [RulesController],
    providers: [
      ...configProviders(loadConfig({ OPERATOR_TOKEN: TOKEN, ...env })),
      clockProvider,
      // Only the operator token is used here; no token is ever looked up in a database.
      { provide: ApiTokensRepository, useValue: { find: async () => null } },
      TokenStore,
      LoginThrottle,
      AuthGuard,
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  return { app, url: `${await app.getUrl()}/api/rules` };
}

describe('GET /api/rules', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rules-api-'));
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('gives the shipped rules, per device type, with their version', async () => {
    const started = await start({});
    app = started.app;
    const res = await fetch(started.url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ version: '2026.12-1', deviceTypes: defaultRuleSet() });
  });

  it('gives the rules of RULES_FILE', async () => {
    const rules = defaultRuleSet();
    rules.fire_door_sensor = [];
    const path = join(dir, 'rules.json');
    writeFileSync(path, JSON.stringify({ version: 'site-3', deviceTypes: rules }));
    const started = await start({ RULES_FILE: path });
    app = started.app;
    const res = await fetch(started.url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(await res.json()).toEqual({ version: 'site-3', deviceTypes: rules });
  });

  it('wants a Bearer token', async () => {
    const started = await start({});
    app = started.app;
    expect((await fetch(started.url)).status).toBe(401);
  });

  it('does not start on a bad rule file', async () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ version: '1', deviceTypes: { ...defaultRuleSet(), toaster: [] } }));
    await expect(start({ RULES_FILE: path })).rejects.toThrow(`rule file ${path}: unknown device type toaster`);
  });
});
