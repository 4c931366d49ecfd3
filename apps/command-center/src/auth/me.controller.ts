import { Controller, Get, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { principal } from '../api/response-schemas';
import { ApiResult } from '../openapi/api-docs.decorators';
import { AuthenticatedRequest, Authenticated, EnterpriseScoped } from './auth.guard';

/** Who the bearer token belongs to: the dashboard shows only the actions the role may take. */
@Controller('api/me')
@ApiTags('tokens')
@Authenticated()
export class MeController {
  @Get()
  @EnterpriseScoped()
  @ApiOperation({ summary: 'Who the token belongs to: its role, name, and the substation or enterprise it is bound to' })
  @ApiResult(principal)
  me(@Req() req: AuthenticatedRequest) {
    const { role, name, substationId, enterpriseId } = req.principal;
    return { role, name, substationId: substationId ?? null, enterpriseId: enterpriseId ?? null };
  }
}
