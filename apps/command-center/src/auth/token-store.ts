import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { CommandCenterConfig, InjectConfig } from '@app/config';
import { ApiTokensRepository } from '@app/storage';
import { Principal } from './roles';

/**
 * Bearer tokens. OPERATOR_TOKEN, when set, is the operator's token; otherwise
 * one is made at first start and kept in DATA_DIR/operator-token (mode 0600),
 * so a fresh install can be used without the token ever being logged.
 */
@Injectable()
export class TokenStore implements OnModuleInit {
  private readonly logger = new Logger(TokenStore.name);
  private operatorToken = '';

  constructor(
    @InjectConfig('commandCenter') private readonly config: CommandCenterConfig,
    private readonly tokens: ApiTokensRepository,
  ) {}

  onModuleInit(): void {
    if (this.config.operatorToken) {
      this.operatorToken = this.config.operatorToken;
      return;
    }
    const file = join(this.config.dataDir, 'operator-token');
    if (!existsSync(file)) {
      mkdirSync(this.config.dataDir, { recursive: true });
      writeFileSync(file, randomBytes(24).toString('base64url') + '\n', { mode: 0o600 });
      this.logger.log(`OPERATOR_TOKEN is not set: an operator token was written to ${file}`);
    }
    this.operatorToken = readFileSync(file, 'utf8').trim();
  }

  async resolve(token: string): Promise<Principal | null> {
    if (this.operatorToken && safeEqual(token, this.operatorToken)) return { role: 'operator', name: 'operator' };
    if (token.length < 16 || token.length > 256) return null;
    const row = await this.tokens.find(token);
    return row ? { role: row.role, name: row.name, substationId: row.substationId ?? undefined } : null;
  }

  /** A new token for the role; the secret is returned once and only its hash is kept. */
  async issue(role: Principal['role'], name: string, substationId: string | null, at: Date): Promise<string> {
    const token = randomBytes(24).toString('base64url');
    await this.tokens.create(token, { role, name, substationId }, at);
    return token;
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
