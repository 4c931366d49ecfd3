import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { CLOCK, CommandCenterConfig, InjectConfig } from '@app/config';
import { Clock } from '@app/domain';
import { ApiTokenRecord, ApiTokensRepository } from '@app/storage';
import { Principal } from './roles';

/** Last use is written at most this often per token, so a busy token costs one UPDATE a minute and not one a request. */
const LAST_USED_EVERY_MS = 60_000;

/** What a Bearer token comes to: who it belongs to, or why it is refused. */
export type Resolution = { principal: Principal } | { refused: 'UNAUTHORIZED' | 'TOKEN_EXPIRED' | 'TOKEN_REVOKED' };

/**
 * Bearer tokens. OPERATOR_TOKEN, when set, is the operator's token; otherwise
 * one is made at first start and kept in DATA_DIR/operator-token (mode 0600),
 * so a fresh install can be used without the token ever being logged.
 * Issued tokens are looked up on every request (no cache), so an expiry or a
 * revocation takes effect at once, in every process.
 */
@Injectable()
export class TokenStore implements OnModuleInit {
  private readonly logger = new Logger(TokenStore.name);
  private operatorToken = '';
  private operator: Principal = { tokenId: 'env:OPERATOR_TOKEN', role: 'operator', name: 'operator' };
  /** Per token id, when its last use was written by this process. */
  private readonly lastUseWritten = new Map<string, number>();

  constructor(
    @InjectConfig('commandCenter') private readonly config: CommandCenterConfig,
    private readonly tokens: ApiTokensRepository,
    @Inject(CLOCK) private readonly clock: Clock,
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
    this.operator = { tokenId: 'file:operator-token', role: 'operator', name: 'operator' };
  }

  async resolve(token: string): Promise<Resolution> {
    if (this.operatorToken && safeEqual(token, this.operatorToken)) return { principal: this.operator };
    if (token.length < 16 || token.length > 256) return { refused: 'UNAUTHORIZED' };
    const row = await this.tokens.find(token);
    if (!row) return { refused: 'UNAUTHORIZED' };
    const now = this.clock.now();
    if (row.revokedAt && row.revokedAt.getTime() <= now) return { refused: 'TOKEN_REVOKED' };
    if (row.expiresAt && row.expiresAt.getTime() <= now) return { refused: 'TOKEN_EXPIRED' };
    await this.recordUse(row, now);
    return {
      principal: {
        tokenId: row.id,
        role: row.role,
        name: row.name,
        substationId: row.substationId ?? undefined,
        enterpriseId: row.enterpriseId ?? undefined,
      },
    };
  }

  /** A new token for the role; the secret is returned once and only its hash is kept. */
  async issue(
    holder: { role: Principal['role']; name: string; substationId: string | null; enterpriseId: string | null; expiresAt: Date | null },
    at: Date,
  ): Promise<{ token: string; record: ApiTokenRecord }> {
    const token = randomBytes(24).toString('base64url');
    return { token, record: await this.tokens.create(token, holder, at) };
  }

  private async recordUse(row: ApiTokenRecord, now: number): Promise<void> {
    const written = Math.max(this.lastUseWritten.get(row.id) ?? 0, row.lastUsedAt?.getTime() ?? 0);
    if (now - written < LAST_USED_EVERY_MS) return;
    this.lastUseWritten.set(row.id, now);
    await this.tokens.touch(row.id, new Date(now));
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
