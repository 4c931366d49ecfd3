import { BadRequestException, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CLOCK } from '@app/config';
import { Clock } from '@app/domain';
import { ZoneRepository } from '@app/storage';
import { issuedToken } from '../api/response-schemas';
import { ApiErrors, ApiResult, ZodBody } from '../openapi/api-docs.decorators';
import { Authenticated, Roles } from './auth.guard';
import { TokenStore } from './token-store';

const issueTokenBody = z
  .object({
    role: z.enum(['operator', 'substation', 'viewer']),
    name: z.string().min(1).max(128).describe('who holds it; actions are recorded by this name'),
    substationId: z.string().min(1).max(64).optional().describe('role substation only: the substation it acts as'),
  })
  .strict()
  .refine((b) => (b.role === 'substation') === (b.substationId !== undefined), {
    message: 'substationId is required for, and only for, role substation',
    path: ['substationId'],
  });

/** Operators issue API tokens: operator (everything), substation (its own incidents), viewer (read only). */
@Controller('api/tokens')
@ApiTags('tokens')
@Authenticated()
export class TokensController {
  constructor(
    private readonly tokens: TokenStore,
    private readonly zone: ZoneRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles('operator')
  @ApiOperation({ summary: 'Issue an API token; the secret is returned this once and only its hash is kept' })
  @ApiResult(issuedToken, { status: 201 })
  @ApiErrors({ 400: 'an invalid body, or a substation that does not exist' })
  async issue(@ZodBody(issueTokenBody) body: z.infer<typeof issueTokenBody>) {
    if (body.substationId && !(await this.zone.listSubstations()).some((s) => s.id === body.substationId)) {
      const detail = { path: 'substationId', message: `no substation ${body.substationId}` };
      throw new BadRequestException({ code: 'VALIDATION_FAILED', message: `${detail.path}: ${detail.message}`, details: [detail] });
    }
    const token = await this.tokens.issue(body.role, body.name, body.substationId ?? null, new Date(this.clock.now()));
    return { token, role: body.role, name: body.name, substationId: body.substationId ?? null };
  }
}
