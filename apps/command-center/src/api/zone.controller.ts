import { Controller, Get, NotFoundException, Param, Query, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { DEVICE_TYPES, DeviceType } from '@app/contracts';
import { AlarmsRepository, GradeChangesRepository, IncidentsRepository, ReadingsRepository, ZoneRepository } from '@app/storage';
import { AuthGuard } from '../auth/auth.guard';
import { offerNextPage } from './pagination';
import { enterpriseListQuery, historyQuery, readingsQuery } from './query-schemas';
import { ZodPipe } from './zod-query.pipe';

const HOUR_MS = 3_600_000;

@Controller('api')
@UseGuards(AuthGuard)
export class ZoneController {
  constructor(
    private readonly zone: ZoneRepository,
    private readonly alarms: AlarmsRepository,
    private readonly readings: ReadingsRepository,
    private readonly incidents: IncidentsRepository,
    private readonly gradeChanges: GradeChangesRepository,
  ) {}

  @Get('substations')
  async substations() {
    const [stations, loads] = await Promise.all([this.zone.listSubstations(), this.incidents.substationLoads()]);
    const active = new Map(loads.map((l) => [l.id, l.activeIncidents]));
    return stations.map((s) => ({ ...s, activeIncidents: active.get(s.id) ?? 0, busy: (active.get(s.id) ?? 0) >= s.capacity }));
  }

  @Get('enterprises')
  async enterprises(@Query(new ZodPipe(enterpriseListQuery)) q: ReturnType<typeof enterpriseListQuery.parse>, @Req() req: Request) {
    const all = (await this.zone.listEnterprises()).filter((e) => (!q.grade || e.grade === q.grade) && (!q.substationId || e.substationId === q.substationId));
    // The list is in id order, so the cursor is the last id seen.
    const start = q.cursor ? all.filter((e) => e.id > q.cursor!.id) : all;
    const items = start.slice(q.offset, q.offset + q.limit).map((e) => ({
      id: e.id,
      name: e.name,
      industry: e.industry,
      location: e.location,
      substationId: e.substationId,
      grade: e.grade,
      gradeAt: e.gradeAt,
    }));
    offerNextPage(req, items, q.limit, (e) => ({ id: e.id }));
    return { total: all.length, limit: q.limit, offset: q.offset, items };
  }

  @Get('enterprises/:id')
  async enterprise(@Param('id') id: string) {
    const e = await this.zone.getEnterprise(id);
    if (!e) throw new NotFoundException(`enterprise ${id} not found`);
    const [devices, openAlarms] = await Promise.all([this.zone.devicesOfEnterprise(id), this.alarms.openForEnterprise(id)]);
    return {
      ...e,
      why: { reasons: e.gradeReasons, findings: openAlarms, hazards: e.hazards },
      devices: devices.map((d) => ({ ...d, metrics: DEVICE_TYPES[d.type as DeviceType]?.metrics ?? [] })),
    };
  }

  @Get('enterprises/:id/grades')
  async enterpriseGrades(@Param('id') id: string, @Query(new ZodPipe(historyQuery)) q: ReturnType<typeof historyQuery.parse>) {
    if (!(await this.zone.getEnterprise(id))) throw new NotFoundException(`enterprise ${id} not found`);
    return this.gradeChanges.listForEnterprise(id, q.limit);
  }

  /** All of an enterprise's devices together, per metric and bucket (default 5 minutes). */
  @Get('enterprises/:id/readings')
  async enterpriseReadings(@Param('id') id: string, @Query(new ZodPipe(readingsQuery)) q: ReturnType<typeof readingsQuery.parse>) {
    if (!(await this.zone.getEnterprise(id))) throw new NotFoundException(`enterprise ${id} not found`);
    const devices = await this.zone.devicesOfEnterprise(id);
    const to = q.to ?? new Date();
    const from = q.from ?? new Date(to.getTime() - HOUR_MS);
    const bucket = q.bucket ?? 300;
    const points = await this.readings.seriesOfDevices(devices.map((d) => d.id), from, to, bucket);
    return { enterpriseId: id, from, to, bucketSeconds: bucket, points };
  }

  @Get('devices/:id/readings')
  async deviceReadings(@Param('id') id: string, @Query(new ZodPipe(readingsQuery)) q: ReturnType<typeof readingsQuery.parse>) {
    const device = await this.zone.getDevice(id);
    if (!device) throw new NotFoundException(`device ${id} not found`);
    const to = q.to ?? new Date();
    const from = q.from ?? new Date(to.getTime() - HOUR_MS);
    const points = await this.readings.series(id, from, to, q.bucket ?? null);
    return { deviceId: id, from, to, bucketSeconds: q.bucket ?? null, points };
  }
}
