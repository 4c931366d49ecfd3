import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  HttpException,
  Inject,
  NotFoundException,
  Param,
  Patch,
  Post,
  Req,
  UnprocessableEntityException,
  applyDecorators,
} from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { CLOCK } from '@app/config';
import { Clock, ROW_SCHEMAS, RegisterWriteErrorCode, type RegisterKind, type RegisterWritePlan } from '@app/domain';
import { writeRegisterRow, ZoneRepository, type RegisterWrite } from '@app/storage';
import { ZoneChanges } from '@app/transport';
import { Audited, AuditedRequest, auditChange } from '../audit/audited';
import { Authenticated, AuthenticatedRequest, Roles } from '../auth/auth.guard';
import { requestSchema } from '../openapi/json-schema';
import { ApiErrors, ApiResult } from '../openapi/api-docs.decorators';
import { registerContact, registerDevice, registerEnterprise, registerSubstation } from './response-schemas';

const ENTITY: Record<RegisterKind, string> = {
  substations: 'substation',
  enterprises: 'enterprise',
  devices: 'device',
  contacts: 'contact',
};
const ANSWER: Record<RegisterKind, z.ZodType> = {
  substations: registerSubstation,
  enterprises: registerEnterprise,
  devices: registerDevice,
  contacts: registerContact,
};
const CHECKS: Record<RegisterKind, string> = {
  substations: 'the area must contain min below max',
  enterprises: 'its substation must exist, its location be inside some substation area, its indicators known to the catalogue',
  devices: 'its enterprise must exist and its type be a known device type',
  contacts: 'exactly one of enterpriseId and substationId, which must exist',
};

/** The documentation of a POST or a PATCH of one kind: the row schema as the body, the row as stored as the answer. */
function RegisterWriteDocs(kind: RegisterKind, mode: RegisterWrite['mode']) {
  const entity = ENTITY[kind];
  const body = requestSchema(ROW_SCHEMAS[kind]);
  const patchBody = {
    ...body,
    required: undefined,
    description: 'any of the fields; location, area, hazards, profile, indicators merge field by field',
  };
  return applyDecorators(
    Roles('operator'),
    Audited(entity, `${entity}.${mode}`),
    ApiTags('zone register'),
    ApiOperation(
      mode === 'create'
        ? { summary: `Register a new ${entity}: validated as an import of it would be (${CHECKS[kind]}); live in every process within 1 s` }
        : {
            summary: `Change a ${entity}: the body is merged into the stored row, which is validated whole as an import of it would be; {"status": "retired"} retires it`,
          },
    ),
    ApiBody({ required: true, schema: mode === 'create' ? body : patchBody }),
    ApiResult(ANSWER[kind], { status: mode === 'create' ? 201 : 200, description: `the ${entity} as stored` }),
    ApiErrors({
      400: 'VALIDATION_FAILED: a field of the wrong type, missing or unknown (details name it); ID_MISMATCH: an id in the body not the path’s',
      ...(mode === 'create' ? { 409: 'ALREADY_EXISTS: the id is registered; PATCH it' } : { 404: `no such ${entity}` }),
      422: `REGISTER_INVALID: the row against the register (${CHECKS[kind]}); details name the field`,
    }),
  );
}

/**
 * Single rows of the register created and changed through the API (operator). Each is the import of one row:
 * the same checks, the same upsert, one audit record with the row before and after, and the zone.v1 notice
 * that makes every process reload at once. Nothing is deleted: a status of retired retires.
 */
@Controller('api')
@Authenticated()
export class RegisterWritesController {
  constructor(
    private readonly zone: ZoneRepository,
    private readonly zoneChanges: ZoneChanges,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post('substations')
  @RegisterWriteDocs('substations', 'create')
  createSubstation(@Body() body: unknown, @Req() req: AuthenticatedRequest) {
    return this.write({ kind: 'substations', mode: 'create', body }, req);
  }

  @Patch('substations/:id')
  @RegisterWriteDocs('substations', 'update')
  updateSubstation(@Param('id') id: string, @Body() body: unknown, @Req() req: AuthenticatedRequest) {
    return this.write({ kind: 'substations', mode: 'update', id, body }, req);
  }

  @Post('enterprises')
  @RegisterWriteDocs('enterprises', 'create')
  createEnterprise(@Body() body: unknown, @Req() req: AuthenticatedRequest) {
    return this.write({ kind: 'enterprises', mode: 'create', body }, req);
  }

  @Patch('enterprises/:id')
  @RegisterWriteDocs('enterprises', 'update')
  updateEnterprise(@Param('id') id: string, @Body() body: unknown, @Req() req: AuthenticatedRequest) {
    return this.write({ kind: 'enterprises', mode: 'update', id, body }, req);
  }

  @Post('devices')
  @RegisterWriteDocs('devices', 'create')
  createDevice(@Body() body: unknown, @Req() req: AuthenticatedRequest) {
    return this.write({ kind: 'devices', mode: 'create', body }, req);
  }

  @Patch('devices/:id')
  @RegisterWriteDocs('devices', 'update')
  updateDevice(@Param('id') id: string, @Body() body: unknown, @Req() req: AuthenticatedRequest) {
    return this.write({ kind: 'devices', mode: 'update', id, body }, req);
  }

  @Post('contacts')
  @RegisterWriteDocs('contacts', 'create')
  createContact(@Body() body: unknown, @Req() req: AuthenticatedRequest) {
    return this.write({ kind: 'contacts', mode: 'create', body }, req);
  }

  @Patch('contacts/:id')
  @RegisterWriteDocs('contacts', 'update')
  updateContact(@Param('id') id: string, @Body() body: unknown, @Req() req: AuthenticatedRequest) {
    return this.write({ kind: 'contacts', mode: 'update', id, body }, req);
  }

  private async write(write: RegisterWrite, req: AuthenticatedRequest) {
    const at = this.clock.now();
    const plan = await writeRegisterRow(this.zone, write, { at });
    if (!plan.ok) throw refusal(plan);
    // Announced like an import (zone.v1): a device created now publishes now, one retired now is refused and
    // disconnected now, an enterprise whose hazards changed is regraded by the risk engine.
    if (plan.changed)
      await this.zoneChanges.notify({ [write.kind]: [plan.after.id] }, at, (req as AuditedRequest).correlationId ?? randomUUID());
    auditChange(req, { entityId: plan.after.id, before: plan.before, after: plan.after });
    return plan.after;
  }
}

function refusal(plan: Extract<RegisterWritePlan, { ok: false }>): HttpException {
  const details = plan.errors.map((e) => ({ path: e.field ?? 'request', message: e.message }));
  const body = { code: plan.code, message: plan.message, details: details.length > 0 ? details : undefined };
  switch (plan.code) {
    case RegisterWriteErrorCode.NotFound:
      return new NotFoundException({ ...body, details: undefined });
    case RegisterWriteErrorCode.AlreadyExists:
      return new ConflictException({ ...body, details: undefined });
    case RegisterWriteErrorCode.RegisterInvalid:
      return new UnprocessableEntityException(body);
    case RegisterWriteErrorCode.IdMismatch:
    case RegisterWriteErrorCode.Invalid:
      return new BadRequestException(body);
  }
}
