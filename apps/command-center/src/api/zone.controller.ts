import { Controller, Get, Inject, NotFoundException, Param, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import { DEVICE_TYPES } from '@app/contracts';
import { CLOCK } from '@app/config';
import { Clock } from '@app/domain';
import { AlarmsRepository, GradeChangesRepository, OperatingModesRepository, ReadingsRepository, ZoneRepository } from '@app/storage';
import { Authenticated, AuthenticatedRequest, EnterpriseScoped, ownEnterprise } from '../auth/auth.guard';
import { renderOperatingMode } from '../operating-modes/operating-mode-view';
import { ApiErrors, ApiResult, PAGE_HEADERS, ZodQuery } from '../openapi/api-docs.decorators';
import { offerNextPage } from './pagination';
import { SubstationViews } from './substation-views';
import { enterpriseListQuery, historyQuery, readingsQuery } from './query-schemas';
import { deviceReadings, enterprise, enterprisePage, enterpriseReadings, gradeChange, substation } from './response-schemas';

const HOUR_MS = 3_600_000;

@Controller('api')
@Authenticated()
export class ZoneController {
  constructor(
    private readonly zone: ZoneRepository,
    private readonly alarms: AlarmsRepository,
    private readonly readings: ReadingsRepository,
    private readonly gradeChanges: GradeChangesRepository,
    private readonly views: SubstationViews,
    private readonly modes: OperatingModesRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('substations')
  @ApiTags('substations')
  @ApiOperation({ summary: 'Substations, their area, capacity, availability with its reason, and current load' })
  @ApiResult(substation, { isArray: true })
  async substations() {
    return this.views.list();
  }

  @Get('enterprises')
  @ApiTags('enterprises')
  @ApiOperation({ summary: 'Enterprises in id order, with their current grade' })
  @ApiResult(enterprisePage, { headers: PAGE_HEADERS })
  @ApiErrors({ 400: 'an invalid filter, limit, offset or cursor' })
  async enterprises(@ZodQuery(enterpriseListQuery) q: z.output<typeof enterpriseListQuery>, @Req() req: Request) {
    const all = (await this.zone.listEnterprises()).filter(
      (e) => (!q.grade || e.grade === q.grade) && (!q.substationId || e.substationId === q.substationId),
    );
    // The list is in id order, so the cursor is the last id seen.
    const start = q.cursor ? all.filter((e) => e.id > q.cursor!.id) : all;
    const page = start.slice(q.offset, q.offset + q.limit);
    const modes = await this.modes.of(
      'enterprise',
      page.map((e) => e.id),
    );
    const now = this.clock.now();
    const items = page.map((e) => ({
      id: e.id,
      name: e.name,
      industry: e.industry,
      location: e.location,
      substationId: e.substationId,
      grade: e.grade,
      gradeAt: e.gradeAt,
      mode: renderOperatingMode(modes.get(e.id), now),
    }));
    offerNextPage(req, items, q.limit, (e) => ({ id: e.id }));
    return { total: all.length, limit: q.limit, offset: q.offset, items };
  }

  @Get('enterprises/:id')
  @EnterpriseScoped()
  @ApiTags('enterprises')
  @ApiOperation({
    summary:
      'One enterprise: its register fields (address, status, hazards, profile, indicators), current grade and why (reasons, open alarms, hazards), its devices with their type and metrics, its contacts',
  })
  @ApiResult(enterprise)
  @ApiErrors({ 404: 'no such enterprise' })
  async enterprise(@Param('id') id: string, @Req() req: AuthenticatedRequest) {
    ownEnterprise(req.principal, id);
    const e = await this.zone.getEnterpriseDetail(id);
    if (!e) throw new NotFoundException(`enterprise ${id} not found`);
    const [devices, openAlarms, contacts, enterpriseMode] = await Promise.all([
      this.zone.devicesOfEnterprise(id),
      this.alarms.openForEnterprise(id),
      this.zone.contactsOfEnterprise(id),
      this.modes.get('enterprise', id),
    ]);
    const deviceModes = await this.modes.of(
      'device',
      devices.map((d) => d.id),
    );
    const now = this.clock.now();
    return {
      ...e,
      mode: renderOperatingMode(enterpriseMode ?? undefined, now),
      why: {
        reasons: e.gradeReasons,
        findings: openAlarms.map(({ signalClass, ...a }) => ({ ...a, class: signalClass })),
        hazards: e.hazards,
      },
      devices: devices.map((d) => ({
        ...d,
        metrics: DEVICE_TYPES[d.type]?.metrics ?? [],
        mode: renderOperatingMode(deviceModes.get(d.id), now),
      })),
      contacts,
    };
  }

  @Get('enterprises/:id/grades')
  @EnterpriseScoped()
  @ApiTags('enterprises')
  @ApiOperation({ summary: "An enterprise's grade changes, newest first" })
  @ApiResult(gradeChange, { isArray: true })
  @ApiErrors({ 400: 'an invalid limit', 404: 'no such enterprise' })
  async enterpriseGrades(
    @Param('id') id: string,
    @ZodQuery(historyQuery) q: z.output<typeof historyQuery>,
    @Req() req: AuthenticatedRequest,
  ) {
    ownEnterprise(req.principal, id);
    if (!(await this.zone.getEnterprise(id))) throw new NotFoundException(`enterprise ${id} not found`);
    return this.gradeChanges.listForEnterprise(id, q.limit);
  }

  @Get('enterprises/:id/readings')
  @EnterpriseScoped()
  @ApiTags('enterprises')
  @ApiOperation({ summary: "All of an enterprise's devices together, per metric and bucket (default 5 minutes)" })
  @ApiResult(enterpriseReadings)
  @ApiErrors({ 400: 'an invalid from, to or bucket', 404: 'no such enterprise' })
  async enterpriseReadings(
    @Param('id') id: string,
    @ZodQuery(readingsQuery) q: z.output<typeof readingsQuery>,
    @Req() req: AuthenticatedRequest,
  ) {
    ownEnterprise(req.principal, id);
    if (!(await this.zone.getEnterprise(id))) throw new NotFoundException(`enterprise ${id} not found`);
    const devices = await this.zone.devicesOfEnterprise(id);
    const to = q.to ?? new Date();
    const from = q.from ?? new Date(to.getTime() - HOUR_MS);
    const bucket = q.bucket ?? 300;
    const points = await this.readings.seriesOfDevices(
      devices.map((d) => d.id),
      from,
      to,
      bucket,
    );
    return { enterpriseId: id, from, to, bucketSeconds: bucket, points };
  }

  @Get('devices/:id/readings')
  @EnterpriseScoped()
  @ApiTags('devices')
  @ApiOperation({ summary: "A device's readings per metric: every reading, or per bucket" })
  @ApiResult(deviceReadings)
  @ApiErrors({ 400: 'an invalid from, to or bucket', 404: 'no such device' })
  async deviceReadings(
    @Param('id') id: string,
    @ZodQuery(readingsQuery) q: z.output<typeof readingsQuery>,
    @Req() req: AuthenticatedRequest,
  ) {
    const device = await this.zone.getDevice(id);
    // An enterprise token is told the same of a device elsewhere and of no device at all.
    ownEnterprise(req.principal, device?.enterpriseId);
    if (!device) throw new NotFoundException(`device ${id} not found`);
    const to = q.to ?? new Date();
    const from = q.from ?? new Date(to.getTime() - HOUR_MS);
    const points = await this.readings.series(id, from, to, q.bucket ?? null);
    return { deviceId: id, from, to, bucketSeconds: q.bucket ?? null, points };
  }
}
