import {
  applyDecorators,
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Injectable,
  SetMetadata,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBearerAuth, ApiExtension } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiErrors } from '../openapi/api-docs.decorators';
import { LoginThrottle } from './login-throttle';
import { Principal, Role } from './roles';
import { TokenStore } from './token-store';

const ROLES_KEY = 'roles';
const ENTERPRISE_SCOPED_KEY = 'enterprise-scoped';
/** The name of the Bearer security scheme in the API document. */
export const BEARER = 'bearer';

/** The roles allowed on a handler; without it any authenticated principal may read. The API document lists them as x-roles. */
export const Roles = (...roles: Role[]) =>
  applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    ApiExtension('x-roles', roles),
    ApiErrors({ 403: `the token's role is not ${roles.join(' or ')}` }),
  );

/**
 * An enterprise token reaches only the handlers that say so, by listing role enterprise in Roles or with this,
 * and each of them keeps it to its own enterprise (ownEnterprise); everything else refuses it.
 */
export const EnterpriseScoped = () =>
  applyDecorators(
    SetMetadata(ENTERPRISE_SCOPED_KEY, true),
    ApiExtension('x-enterprise-scoped', true),
    ApiErrors({ 403: "OTHER_ENTERPRISE: an enterprise token asking for another enterprise's data" }),
  );

/**
 * Refuses an enterprise token another enterprise's data. Every other role sees the whole zone here.
 * The answer is the same whether or not the other enterprise exists, so a token cannot probe the register.
 */
export function ownEnterprise(principal: Principal, enterpriseId: string | null | undefined): void {
  if (principal.role === 'enterprise' && enterpriseId !== principal.enterpriseId)
    throw new ForbiddenException({ code: 'OTHER_ENTERPRISE', message: `this token sees only enterprise ${principal.enterpriseId}` });
}

/** The enterprise a list is filtered to: an enterprise token's own, always (asking for another is refused); anyone else's choice. */
export function enterpriseFilter(principal: Principal, asked: string | undefined): string | undefined {
  if (principal.role !== 'enterprise') return asked;
  ownEnterprise(principal, asked ?? principal.enterpriseId);
  return principal.enterpriseId;
}

/** Every route of the controller wants a Bearer token, and its document says so. */
export const Authenticated = () =>
  applyDecorators(
    UseGuards(AuthGuard),
    ApiBearerAuth(BEARER),
    ApiErrors({
      401: 'no valid Bearer token (UNAUTHORIZED), or an expired (TOKEN_EXPIRED) or revoked (TOKEN_REVOKED) one',
      429: 'TOO_MANY_FAILED_LOGINS: this address gave too many bad tokens lately; try again after Retry-After seconds',
    }),
  );

const REFUSALS = {
  UNAUTHORIZED: 'a valid Bearer token is required',
  TOKEN_EXPIRED: 'the token has expired',
  TOKEN_REVOKED: 'the token has been revoked',
};

export type AuthenticatedRequest = Request & { principal: Principal };

/**
 * Every /api request carries `Authorization: Bearer <token>`. The live stream
 * also takes `?access_token=`, since a browser's EventSource cannot set headers.
 * An address that gave too many bad tokens is answered 429 before its token is
 * looked at, so guessing goes no faster than AUTH_MAX_FAILURES a window.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly tokens: TokenStore,
    private readonly reflector: Reflector,
    private readonly throttle: LoginThrottle,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const source = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const retryAfterMs = this.throttle.retryAfterMs(source);
    if (retryAfterMs > 0) {
      context
        .switchToHttp()
        .getResponse<Response>()
        .setHeader('Retry-After', String(Math.ceil(retryAfterMs / 1000)));
      throw new HttpException(
        { code: 'TOO_MANY_FAILED_LOGINS', message: 'too many bad tokens from this address; try again later' },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ')
      ? header.slice(7).trim()
      : typeof req.query.access_token === 'string'
        ? req.query.access_token
        : '';
    const resolved = token ? await this.tokens.resolve(token) : { refused: 'UNAUTHORIZED' as const };
    if ('refused' in resolved) {
      if (token) this.throttle.recordFailure(source);
      throw new UnauthorizedException({ code: resolved.refused, message: REFUSALS[resolved.refused] });
    }
    const { principal } = resolved;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]);
    if (roles && !roles.includes(principal.role)) throw new ForbiddenException(`role ${principal.role} may not do this`);
    if (
      principal.role === 'enterprise' &&
      !roles?.includes('enterprise') &&
      !this.reflector.getAllAndOverride<boolean | undefined>(ENTERPRISE_SCOPED_KEY, [context.getHandler(), context.getClass()])
    )
      throw new ForbiddenException({ code: 'ENTERPRISE_TOKEN_REFUSED', message: 'an enterprise token reaches only its own enterprise' });
    req.principal = principal;
    return true;
  }
}
