import {
  BadRequestException,
  ConflictException,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Req,
} from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import { CLOCK } from '@app/config';
import { Clock } from '@app/domain';
import { ApiTokensRepository, ZoneRepository } from '@app/storage';
import { offerNextPage } from '../api/pagination';
import { tokenListQuery } from '../api/query-schemas';
import { apiToken, issuedToken } from '../api/response-schemas';
import { Audited, auditChange } from '../audit/audited';
import { ApiErrors, ApiResult, PAGE_HEADERS, ZodBody, ZodQuery } from '../openapi/api-docs.decorators';
import { AuthenticatedRequest, Authenticated, Roles } from './auth.guard';
import { ROLES } from './roles';
import { TokenStore } from './token-store';
import { renderToken } from './token-view';

const issueTokenBody = z
  .object({
    role: z.enum(ROLES),
    name: z.string().min(1).max(128).describe('the person who holds it; actions are recorded by this name'),
    substationId: z.string().min(1).max(64).optional().describe('role substation only: the substation it acts as'),
    enterpriseId: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe(
        'role enterprise only: the one enterprise whose grade, alarms, hazards and readings it sees and whose hazards it rectifies',
      ),
    expiresAt: z.iso
      .datetime({ offset: true })
      .transform((s) => new Date(s))
      .optional()
      .describe('refused from this time on (401 TOKEN_EXPIRED); default: never expires'),
  })
  .strict()
  .refine((b) => (b.role === 'substation') === (b.substationId !== undefined), {
    message: 'substationId is required for, and only for, role substation',
    path: ['substationId'],
  })
  .refine((b) => (b.role === 'enterprise') === (b.enterpriseId !== undefined), {
    message: 'enterpriseId is required for, and only for, role enterprise',
    path: ['enterpriseId'],
  });

function invalid(path: string, message: string): BadRequestException {
  return new BadRequestException({ code: 'VALIDATION_FAILED', message: `${path}: ${message}`, details: [{ path, message }] });
}

/**
 * Operators issue API tokens to named people: operator (everything), substation (its own incidents), viewer
 * (read only), inspector (reads like a viewer, records inspections and re-inspections), enterprise (one
 * enterprise's own grade, alarms, hazards and readings, and its rectifications). A token may expire, is listed without its secret, and can be revoked at once.
 */
@Controller('api/tokens')
@ApiTags('tokens')
@Authenticated()
export class TokensController {
  constructor(
    private readonly store: TokenStore,
    private readonly tokens: ApiTokensRepository,
    private readonly zone: ZoneRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles('operator')
  @Audited('token', 'token.issue')
  @ApiOperation({ summary: 'Issue an API token; the secret is returned this once and only its hash is kept' })
  @ApiResult(issuedToken, { status: 201 })
  @ApiErrors({ 400: 'an invalid body, a substation or enterprise that does not exist, or an expiresAt that is not in the future' })
  async issue(@ZodBody(issueTokenBody) body: z.output<typeof issueTokenBody>, @Req() req: AuthenticatedRequest) {
    const now = this.clock.now();
    if (body.substationId && !(await this.zone.listSubstations()).some((s) => s.id === body.substationId))
      throw invalid('substationId', `no substation ${body.substationId}`);
    if (body.enterpriseId && !(await this.zone.getEnterprise(body.enterpriseId)))
      throw invalid('enterpriseId', `no enterprise ${body.enterpriseId}`);
    if (body.expiresAt && body.expiresAt.getTime() <= now) throw invalid('expiresAt', 'must be in the future');
    const { token, record } = await this.store.issue(
      {
        role: body.role,
        name: body.name,
        substationId: body.substationId ?? null,
        enterpriseId: body.enterpriseId ?? null,
        expiresAt: body.expiresAt ?? null,
      },
      new Date(now),
    );
    auditChange(req, { entityId: record.id, before: null, after: renderToken(record) });
    return {
      token,
      id: record.id,
      role: record.role,
      name: record.name,
      substationId: record.substationId,
      enterpriseId: record.enterpriseId,
      expiresAt: record.expiresAt?.toISOString() ?? null,
    };
  }

  @Get()
  @Roles('operator')
  @ApiOperation({ summary: 'The tokens issued, newest first, without their secrets' })
  @ApiResult(apiToken, { isArray: true, headers: PAGE_HEADERS })
  @ApiErrors({ 400: 'an invalid limit, offset or cursor' })
  async list(@ZodQuery(tokenListQuery) q: z.output<typeof tokenListQuery>, @Req() req: Request) {
    const records = await this.tokens.list({
      limit: q.limit,
      offset: q.offset,
      after: q.cursor && { createdAt: q.cursor.at, id: q.cursor.id },
    });
    const views = records.map(renderToken);
    offerNextPage(req, views, q.limit, (t) => ({ at: t.createdAt, id: t.id }));
    return views;
  }

  @Delete(':id')
  @HttpCode(200)
  @Roles('operator')
  @Audited('token', 'token.revoke')
  @ApiOperation({
    summary: 'Revoke a token at once: from now on it is refused (401 TOKEN_REVOKED) in every process',
    description: 'Revoking is done once: a second DELETE is a 409 ALREADY_REVOKED that changes nothing and records nothing.',
  })
  @ApiResult(apiToken, { description: 'the token, revoked' })
  @ApiErrors({ 404: 'no such token', 409: 'ALREADY_REVOKED: the token was revoked before' })
  async revoke(@Param('id') id: string, @Req() req: AuthenticatedRequest) {
    const revocation = await this.tokens.revoke(id, new Date(this.clock.now()));
    if (!revocation) throw new NotFoundException(`token ${id} not found`);
    if (!revocation.revoked)
      throw new ConflictException({
        code: 'ALREADY_REVOKED',
        message: `token ${id} was revoked at ${revocation.before.revokedAt?.toISOString()}`,
      });
    const after = renderToken(revocation.after);
    auditChange(req, { entityId: id, before: renderToken(revocation.before), after });
    return after;
  }
}
