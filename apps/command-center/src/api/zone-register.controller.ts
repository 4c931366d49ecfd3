import { BadRequestException, Body, Controller, Get, HttpCode, Inject, Post, Req, Res, UnprocessableEntityException } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { CLOCK } from '@app/config';
import {
  Clock,
  INDICATOR_CATALOGUE,
  parseRegisterCsv,
  REGISTER_KINDS,
  registerInputFromJson,
  renderRegisterCsv,
  type RegisterInput,
  type RegisterRowError,
} from '@app/domain';
import { importRegister, ZoneRepository } from '@app/storage';
import { ZoneChange, ZoneChanges } from '@app/transport';
import { Audited, AuditedRequest, auditChange } from '../audit/audited';
import { Authenticated, AuthenticatedRequest, Roles } from '../auth/auth.guard';
import { ApiErrors, ApiResult, ZodQuery } from '../openapi/api-docs.decorators';
import { indicatorDefinition, registerExport, registerImportResult } from './response-schemas';

/** The import route's own body limit: a whole zone's register, far above the 64 KiB of every other route. */
export const REGISTER_IMPORT_PATH = '/api/zone/import';
export const REGISTER_BODY_LIMIT = '64mb';

const kind = z.enum(REGISTER_KINDS);
const importQuery = z
  .object({
    dryRun: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true')
      .describe('true: validate and count, change nothing'),
    kind: kind.optional().describe('with a text/csv body: which kind its rows are'),
  })
  .strict();
const exportQuery = z
  .object({
    format: z.enum(['json', 'csv']).default('json'),
    kind: kind.optional().describe('csv: required, the kind to export; json: only that kind'),
  })
  .strict()
  .refine((q) => q.format === 'json' || q.kind !== undefined, { message: 'kind is required with format=csv', path: ['kind'] });

/**
 * The zone's own register in and out: an import is validated whole (every bad row named) and applied in one
 * transaction or not at all; an export gives back the shapes an import takes, so importing it changes nothing.
 */
@Controller('api')
@Authenticated()
export class ZoneRegisterController {
  constructor(
    private readonly zone: ZoneRepository,
    private readonly zoneChanges: ZoneChanges,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post('zone/import')
  @HttpCode(200)
  @Roles('operator')
  @Audited('zone', 'zone.import')
  @ApiTags('zone register')
  @ApiOperation({
    summary: 'Import substations, enterprises, devices and contacts (upsert by id); any bad row and nothing is applied',
    description:
      'A JSON body `{"substations": [...], "enterprises": [...], "devices": [...], "contacts": [...]}` (any subset), or a ' +
      '`text/csv` body of one kind (`?kind=`) with dotted headers for nested fields (`location.lat`, `hazards.threeInOne`, ' +
      '`profile.floors`, `indicators.<code>`). Up to 64 MiB. One audit record per import: its counts and the ids it wrote.',
  })
  @ApiConsumes('application/json', 'text/csv')
  @ApiBody({ required: true, schema: { $ref: '#/components/schemas/ZoneRegister' } })
  @ApiResult(registerImportResult)
  @ApiErrors({
    400: 'an invalid query (a text/csv body without kind)',
    413: 'a body over 64 MiB',
    415: 'a body that is neither JSON nor text/csv',
    422: 'REGISTER_INVALID: bad rows; nothing is applied, the body lists every one',
  })
  async import(@ZodQuery(importQuery) q: z.output<typeof importQuery>, @Body() body: unknown, @Req() req: AuthenticatedRequest) {
    let parsed: { input: RegisterInput; errors: RegisterRowError[] };
    if (Buffer.isBuffer(body)) {
      if (!q.kind)
        throw new BadRequestException({
          code: 'VALIDATION_FAILED',
          message: 'kind: required with a text/csv body',
          details: [{ path: 'kind', message: 'required with a text/csv body' }],
        });
      const csv = parseRegisterCsv(q.kind, body, INDICATOR_CATALOGUE);
      parsed = { input: { [q.kind]: csv.rows }, errors: csv.errors };
    } else parsed = registerInputFromJson(body);

    const at = this.clock.now();
    const result = await importRegister(this.zone, parsed.input, { dryRun: q.dryRun, at, inputErrors: parsed.errors });
    const answer = {
      applied: result.applied,
      created: result.created,
      updated: result.updated,
      unchanged: result.unchanged,
      errors: result.errors,
    };
    if (result.errors.length > 0 && !q.dryRun)
      throw new UnprocessableEntityException({
        code: 'REGISTER_INVALID',
        message: `${result.errors.length} bad row(s); nothing applied`,
        answer,
      });
    // What was written is announced (zone.v1), so every process reloads within the second: a device created now can
    // publish now, a device retired now is refused now, and hazard changes are regraded by the risk engine.
    if (result.applied) {
      const changed = changedIds(result.createdIds, result.updatedIds);
      if (Object.keys(changed).length > 0)
        await this.zoneChanges.notify(changed, at, (req as AuditedRequest).correlationId ?? randomUUID());
    }
    auditChange(req, {
      entityId: 'register',
      before: null,
      after: { dryRun: q.dryRun, ...answer, errors: undefined, createdIds: result.createdIds, updatedIds: result.updatedIds },
    });
    return answer;
  }

  @Get('zone/export')
  @Roles('operator')
  @ApiTags('zone register')
  @ApiOperation({ summary: 'The register as stored, in the shapes an import takes: JSON (all kinds or one) or one kind as CSV' })
  @ApiProduces('application/json', 'text/csv')
  @ApiResult(registerExport)
  @ApiErrors({ 400: 'an invalid format or kind, or csv without kind' })
  async export(@ZodQuery(exportQuery) q: z.output<typeof exportQuery>, @Res({ passthrough: true }) res: Response) {
    const register = await this.zone.loadRegister();
    if (q.format === 'csv') {
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      return renderRegisterCsv(q.kind!, register, INDICATOR_CATALOGUE);
    }
    return q.kind ? { [q.kind]: register[q.kind] } : register;
  }

  @Get('indicators')
  @ApiTags('zone register')
  @ApiOperation({ summary: "The indicator catalogue: the codes an enterprise's indicators may have, their type, unit and allowed values" })
  @ApiResult(indicatorDefinition, { isArray: true })
  indicators() {
    return INDICATOR_CATALOGUE.definitions;
  }
}

/** The ids written per kind, created or updated; a kind with none is left out. */
function changedIds(created: Record<string, string[]>, updated: Record<string, string[]>): ZoneChange {
  const changed: ZoneChange = {};
  for (const kind of REGISTER_KINDS) {
    const ids = [...(created[kind] ?? []), ...(updated[kind] ?? [])];
    if (ids.length > 0) changed[kind] = ids;
  }
  return changed;
}
