import { Controller, Get, Req, UseGuards } from '@nestjs/common';
import { AuthenticatedRequest, AuthGuard } from './auth.guard';

/** Who the bearer token belongs to: the dashboard shows only the actions the role may take. */
@Controller('api/me')
@UseGuards(AuthGuard)
export class MeController {
  @Get()
  me(@Req() req: AuthenticatedRequest) {
    const { role, name, substationId } = req.principal;
    return { role, name, substationId: substationId ?? null };
  }
}
