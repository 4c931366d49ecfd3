import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { IncidentsRepository } from '@app/storage';
import { AuthenticatedRequest, AuthGuard, Roles } from '../auth/auth.guard';
import { IncidentActionsService } from './incident-actions.service';
import { offerNextPage } from './pagination';
import { IncidentActionBody, incidentActionBody, incidentListQuery } from './query-schemas';
import { ZodPipe } from './zod-query.pipe';

@Controller('api/incidents')
@UseGuards(AuthGuard)
export class IncidentsController {
  constructor(
    private readonly incidents: IncidentsRepository,
    private readonly actions: IncidentActionsService,
  ) {}

  @Get()
  async list(@Query(new ZodPipe(incidentListQuery)) q: ReturnType<typeof incidentListQuery.parse>, @Req() req: Request) {
    const { cursor, ...filter } = q;
    const incidents = await this.incidents.list({ ...filter, after: cursor && { dispatchedAt: cursor.at, id: cursor.id } });
    offerNextPage(req, incidents, q.limit, (i) => ({ at: i.dispatchedAt, id: i.id }));
    return incidents;
  }

  @Get(':id')
  async get(@Param('id') id: string) {
    const incident = await this.incidents.view(id);
    if (!incident) throw new NotFoundException(`incident ${id} not found`);
    return incident;
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @Roles('operator', 'substation')
  acknowledge(@Param('id') id: string, @Body(new ZodPipe(incidentActionBody)) body: IncidentActionBody, @Req() req: AuthenticatedRequest) {
    return this.act(id, 'acknowledge', body, req);
  }

  @Post(':id/arrive')
  @HttpCode(200)
  @Roles('operator', 'substation')
  arrive(@Param('id') id: string, @Body(new ZodPipe(incidentActionBody)) body: IncidentActionBody, @Req() req: AuthenticatedRequest) {
    return this.act(id, 'arrive', body, req);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @Roles('operator', 'substation')
  resolve(@Param('id') id: string, @Body(new ZodPipe(incidentActionBody)) body: IncidentActionBody, @Req() req: AuthenticatedRequest) {
    return this.act(id, 'resolve', body, req);
  }

  private act(id: string, type: 'acknowledge' | 'arrive' | 'resolve', body: IncidentActionBody, req: AuthenticatedRequest) {
    const p = req.principal;
    // A substation acts as itself; an operator may act for a named substation or for the command center.
    const substationId = p.role === 'substation' ? p.substationId : body.substationId;
    const by = body.by ?? (substationId ? `${p.name}@${substationId}` : p.name);
    return this.actions.act(id, type, by, substationId);
  }
}
