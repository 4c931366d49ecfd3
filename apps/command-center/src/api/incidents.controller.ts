import { applyDecorators, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import { IncidentView } from '@app/contracts';
import { CLOCK } from '@app/config';
import { Clock } from '@app/domain';
import { AcknowledgeIncident, incidentSnapshot, RecordArrival, ResolveIncident, SubstationActionCommand } from '@app/incidents';
import { IncidentRecord, IncidentsRepository, NotificationsRepository } from '@app/storage';
import { Audited, auditChange } from '../audit/audited';
import { AuthenticatedRequest, Authenticated, Roles } from '../auth/auth.guard';
import { ApiErrors, ApiResult, PAGE_HEADERS, ZodBody, ZodQuery } from '../openapi/api-docs.decorators';
import { renderIncident, renderNotification } from './incident-view';
import { offerNextPage } from './pagination';
import { IncidentActionBody, incidentActionBody, incidentListQuery, IncidentResolveBody, incidentResolveBody } from './query-schemas';
import { incident, incidentDetail } from './response-schemas';

/** What the three substation actions share: who may, what comes back, and how the timeline refuses. */
const Action = (action: string, milestone: string, conflicts: string, invalid = 'an invalid body') =>
  applyDecorators(
    HttpCode(200),
    Roles('operator', 'substation'),
    Audited('incident', `incident.${action}`),
    ApiOperation({
      summary: `Record the ${milestone} milestone`,
      description:
        'A substation token acts only on incidents it is assigned to or backs up (403 WRONG_SUBSTATION); an operator acts for the ' +
        'command center or for the substation named in the body. A late action is recorded, with met: false.',
    }),
    ApiResult(incident, { description: 'the incident with the milestone recorded' }),
    ApiErrors({
      400: invalid,
      403: 'WRONG_SUBSTATION: the substation is neither assigned to the incident nor its backup',
      404: 'no such incident',
      409: conflicts,
    }),
  );

@Controller('api/incidents')
@ApiTags('incidents')
@Authenticated()
export class IncidentsController {
  constructor(
    private readonly incidents: IncidentsRepository,
    private readonly acknowledgeIncident: AcknowledgeIncident,
    private readonly recordArrival: RecordArrival,
    private readonly resolveIncident: ResolveIncident,
    private readonly notifications: NotificationsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Incidents, newest dispatched first, with their milestones and escalations' })
  @ApiResult(incident, { isArray: true, headers: PAGE_HEADERS })
  @ApiErrors({ 400: 'an invalid filter, limit, offset or cursor' })
  async list(@ZodQuery(incidentListQuery) q: z.output<typeof incidentListQuery>, @Req() req: Request) {
    const { cursor, ...filter } = q;
    const records = await this.incidents.list({ ...filter, after: cursor && { dispatchedAt: cursor.at, id: cursor.id } });
    const incidents = records.map((r) => renderIncident(incidentSnapshot(r), this.clock.now()));
    offerNextPage(req, incidents, q.limit, (i) => ({ at: i.dispatchedAt, id: i.id }));
    return incidents;
  }

  @Get(':id')
  @ApiOperation({ summary: 'One incident: due and actual time of each milestone, escalations, and each notification of it' })
  @ApiResult(incidentDetail)
  @ApiErrors({ 404: 'no such incident' })
  async get(@Param('id') id: string) {
    const view = rendered(id, await this.incidents.find(id), this.clock.now());
    const notifications = await this.notifications.listForIncident(id);
    return { ...view, notifications: notifications.map(renderNotification) };
  }

  @Post(':id/acknowledge')
  @Action('acknowledge', 'acknowledged', 'already acknowledged (ALREADY_DONE) or resolved (INCIDENT_RESOLVED)')
  acknowledge(@Param('id') id: string, @ZodBody(incidentActionBody) body: IncidentActionBody, @Req() req: AuthenticatedRequest) {
    return this.act(id, body, req, (command) => this.acknowledgeIncident.execute(command));
  }

  @Post(':id/arrive')
  @Action('arrive', 'onScene', 'not acknowledged yet (OUT_OF_ORDER), already on scene (ALREADY_DONE) or resolved (INCIDENT_RESOLVED)')
  arrive(@Param('id') id: string, @ZodBody(incidentActionBody) body: IncidentActionBody, @Req() req: AuthenticatedRequest) {
    return this.act(id, body, req, (command) => this.recordArrival.execute(command));
  }

  @Post(':id/resolve')
  @Action(
    'resolve',
    'underControl',
    'not on scene yet (OUT_OF_ORDER) or already resolved (INCIDENT_RESOLVED)',
    'VALIDATION_FAILED: no or an unknown outcome, a false alarm without its cause, an unknown cause, a note over 2,000 characters',
  )
  resolve(@Param('id') id: string, @ZodBody(incidentResolveBody) body: IncidentResolveBody, @Req() req: AuthenticatedRequest) {
    const { outcome, cause, note, ...action } = body;
    const resolution = { outcome, cause: cause ?? null, note: note ?? null };
    return this.act(id, action, req, (command) => this.resolveIncident.execute({ ...command, resolution }));
  }

  private async act(
    incidentId: string,
    body: IncidentActionBody,
    req: AuthenticatedRequest,
    execute: (command: SubstationActionCommand) => Promise<IncidentRecord | null>,
  ): Promise<IncidentView> {
    const p = req.principal;
    // A substation acts as itself; an operator may act for a named substation or for the command center.
    const substationId = p.role === 'substation' ? p.substationId : body.substationId;
    const by = body.by ?? (substationId ? `${p.name}@${substationId}` : p.name);
    const before = await this.incidents.find(incidentId);
    const beforeView = rendered(incidentId, before, this.clock.now());
    const after = rendered(incidentId, before && (await execute({ incidentId, by, substationId })), this.clock.now());
    auditChange(req, { entityId: incidentId, before: beforeView, after });
    return after;
  }
}

function rendered(id: string, found: IncidentRecord | null, now: number): IncidentView {
  if (!found) throw new NotFoundException(`incident ${id} not found`);
  return renderIncident(incidentSnapshot(found), now);
}
